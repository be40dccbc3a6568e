import type { PenaltyPolicy } from '../config/competition/competition.types';
import { paramKey } from '../config/competition/competition.types';
import { penaltyScore } from './penalty-score';
import { shortReason } from './failure-reason';
import type { ScoreDirection, ScoreInput, ScoreOutcome } from './scorers/scorer';

export type PredictionStatus = 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'ABSENT';

/** An unscored prediction as the cycle claims it. */
export interface ClaimedPrediction {
  id: string;
  roundId: string;
  modelId: string;
  asset: string;
  horizon: number;
  step: number;
  status: PredictionStatus;
  payload: unknown;
  failureReason: string | null;
  performedAtMs: number;
  resolvableAtMs: number;
}

/** What scoring decided for one prediction (`value` null: no score, e.g. a void round). */
export interface PredictionScore {
  id: string;
  modelId: string;
  param: string;
  resolvableAtMs: number;
  value: number | null;
  success: boolean;
  failedReason: string | null;
}

/** Ground truth of one prediction origin: known values, or known to be unavailable for good. */
export type SettledTruth = { ok: true; values: number[] } | { ok: false; reason: string };

/** The ground truth a prediction is scored against is shared by predictions with the same key. */
export function truthKey(p: Pick<ClaimedPrediction, 'asset' | 'performedAtMs' | 'horizon' | 'step'>): string {
  return `${p.asset}|${p.performedAtMs}|${p.horizon}|${p.step}`;
}

export interface RoundScoringRules {
  penalty: PenaltyPolicy;
  direction: ScoreDirection;
  options: Record<string, unknown>;
  score(input: ScoreInput): ScoreOutcome;
}

/**
 * Scores the unscored predictions of one round together, because the penalty of its failed
 * predictions depends on the round's successful scores (`earlierSuccesses`: scores of the same
 * round already stored, if the round was ever scored in parts).
 * A round whose ground truth is unavailable for good is void: every prediction is recorded as
 * failed with a null score, since nobody could be right or wrong.
 *
 * @example
 *   scoreRound(claimed, (key) => truths.get(key), [], { penalty, direction: 'higher', options: {}, score });
 */
export function scoreRound(
  predictions: readonly ClaimedPrediction[],
  truthOf: (key: string) => SettledTruth | undefined,
  earlierSuccesses: readonly number[],
  rules: RoundScoringRules,
): PredictionScore[] {
  const missing = predictions
    .map((p) => truthOf(truthKey(p)))
    .find((t): t is { ok: false; reason: string } => t !== undefined && !t.ok);
  if (missing) {
    return predictions.map((p) => scored(p, null, shortReason('no ground truth', missing.reason)));
  }

  const outcomes = predictions.map((p) => scoreOne(p, truthOf(truthKey(p)), rules));
  const successes = [...earlierSuccesses];
  for (const o of outcomes) if (o.ok) successes.push(o.value);
  const penalty = penaltyScore(rules.penalty, successes, rules.direction);
  return predictions.map((p, i) => {
    const o = outcomes[i];
    return o.ok ? { ...scored(p, o.value, null), success: true } : scored(p, penalty, o.reason);
  });
}

function scoreOne(p: ClaimedPrediction, truth: SettledTruth | undefined, rules: RoundScoringRules): ScoreOutcome {
  if (p.status !== 'SUCCESS') return { ok: false, reason: shortReason(p.status, p.failureReason) };
  if (!truth || !truth.ok) return { ok: false, reason: 'no ground truth' };
  let outcome: ScoreOutcome;
  try {
    outcome = rules.score({ payload: p.payload, truth: truth.values, asset: p.asset, horizon: p.horizon, step: p.step, options: rules.options });
  } catch (err) {
    // The scorer contract says never throw; a broken scorer must still not stop the cycle.
    return { ok: false, reason: shortReason('scorer error', (err as Error)?.message ?? String(err)) };
  }
  if (outcome.ok && !Number.isFinite(outcome.value)) return { ok: false, reason: `scorer returned a non-finite score (${outcome.value})` };
  return outcome.ok ? outcome : { ok: false, reason: shortReason('invalid prediction', outcome.reason) };
}

function scored(p: ClaimedPrediction, value: number | null, failedReason: string | null): PredictionScore {
  return {
    id: p.id,
    modelId: p.modelId,
    param: paramKey(p),
    resolvableAtMs: p.resolvableAtMs,
    value,
    success: false,
    failedReason,
  };
}
