import type { LowPerformanceDefinition } from '../config/competition/competition.types';
import type { LeaderboardEntry } from '../leaderboard/leaderboard-entry';

/** A running deployment of a model, as the fleet sees it. */
export interface RunningDeployment {
  deploymentId: string;
  /** When this deployment joined (clock ms). */
  joinedAtMs: number;
}

export interface LowPerformanceVerdict {
  modelId: string;
  deploymentId: string;
  reason: string;
}

/**
 * The models to report LOW_PERFORMANCE, from the latest leaderboard (see LowPerformanceDefinition).
 * Only running models are judged, each deployment once, and only after it has run for a whole
 * window, so a new submission is never disabled on its predecessor's scores alone.
 *
 * @example
 *   modelsToDisable(board.entries, { window: 'anchor', threshold: 0.5, minScoredPredictions: 50 }, 'higher', running, now, 604800, reported)
 */
export function modelsToDisable(
  entries: readonly LeaderboardEntry[],
  rule: LowPerformanceDefinition,
  direction: 'higher' | 'lower',
  running: ReadonlyMap<string, RunningDeployment>,
  nowMs: number,
  windowSeconds: number,
  alreadyReported: ReadonlySet<string>,
): LowPerformanceVerdict[] {
  const verdicts: LowPerformanceVerdict[] = [];
  for (const entry of entries) {
    const deployment = running.get(entry.model_id);
    if (!deployment || entry.left) continue;
    if (alreadyReported.has(deployment.deploymentId)) continue;
    if (nowMs - deployment.joinedAtMs < windowSeconds * 1000) continue;
    const score = entry.windows?.[rule.window];
    if (!score || score.value === null || !score.complete || score.count < rule.minScoredPredictions) continue;
    const worse = direction === 'higher' ? score.value < rule.threshold : score.value > rule.threshold;
    if (!worse) continue;
    verdicts.push({
      modelId: entry.model_id,
      deploymentId: deployment.deploymentId,
      reason: `${rule.window} score ${formatScore(score.value)} over ${score.count} predictions is ${direction === 'higher' ? 'below' : 'above'} the threshold ${rule.threshold}`,
    });
  }
  return verdicts;
}

function formatScore(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(6);
}
