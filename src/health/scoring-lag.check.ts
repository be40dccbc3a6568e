import type { CompetitionDefinition } from '../config/competition/competition.types';
import type { UnscoredDue } from '../predict/round/prediction-round.repository';
import type { DependencyCheck } from './health.registry';

/**
 * Scoring is behind when a prediction is still unscored `maxWaitSeconds` after its resolvable_at,
 * plus one scoring interval: a round whose ground truth never came is voided by the first cycle
 * after `maxWaitSeconds`, so a healthy pipeline has scored everything older than that.
 *
 * @example
 *   // maxWaitSeconds 120, intervalSeconds 15: at 12:10:00, anything resolvable before 12:07:45 must be scored
 *   scoringLagCutoff(competition.scoring, Date.UTC(2026, 0, 1, 12, 10)); // 12:07:45
 */
export function scoringLagCutoff(scoring: Pick<CompetitionDefinition['scoring'], 'maxWaitSeconds' | 'intervalSeconds'>, nowMs: number): Date {
  return new Date(nowMs - (scoring.maxWaitSeconds + scoring.intervalSeconds) * 1000);
}

/** The `scoring` check of /healthz from the unscored predictions due by the cutoff. */
export function scoringLagCheck(overdue: UnscoredDue, cutoff: Date): DependencyCheck {
  if (overdue.count === 0 || overdue.oldestResolvableAt === null) return { status: 'up', overdueUnscored: 0 };
  return {
    status: 'degraded',
    reason: `scoring is behind: ${overdue.count} prediction(s) resolvable since ${overdue.oldestResolvableAt.toISOString()} are still unscored (due by ${cutoff.toISOString()})`,
    overdueUnscored: overdue.count,
    oldestResolvableAt: overdue.oldestResolvableAt.toISOString(),
  };
}
