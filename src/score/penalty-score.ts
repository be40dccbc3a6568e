import type { PenaltyPolicy } from '../config/competition/competition.types';
import type { ScoreDirection } from './scorers/scorer';

/**
 * The score a prediction that could not be scored (FAILED, TIMEOUT, ABSENT, invalid payload)
 * receives in its round, so failing never beats answering. Policies, for a scorer whose better
 * direction is `direction`:
 * - `batch-min`: the worst successful score of the round (the minimum when higher is better, the
 *   maximum when lower is better), bounded on the bad side by `cap` when set: higher-is-better
 *   takes `min(worst, cap)` (the seed: min of the batch capped at 0), lower-is-better `max(worst, cap)`.
 *   A round without a successful score gets `cap` (null when no cap).
 * - `fixed`: `value`, always.
 * - `percentile`: the p-th percentile counted from the best end of the round's successful scores
 *   (linear interpolation), so p = 90 is "worse than 90% of the answers" in both directions — the
 *   90th percentile of CRPS (lower is better), or the 10th percentile of a density score (higher
 *   is better). A round without a successful score gets null.
 * A null penalty means the failed predictions of that round carry no score (they are counted as
 * failed but do not move window means).
 *
 * @example
 *   penaltyScore({ policy: 'batch-min', cap: 0 }, [0.8, 1.2], 'higher'); // 0
 *   penaltyScore({ policy: 'percentile', percentile: 90 }, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'lower'); // 10
 */
export function penaltyScore(policy: PenaltyPolicy, successfulScores: readonly number[], direction: ScoreDirection): number | null {
  switch (policy.policy) {
    case 'fixed':
      return policy.value;
    case 'batch-min': {
      const worst = successfulScores.length === 0 ? null : direction === 'higher' ? Math.min(...successfulScores) : Math.max(...successfulScores);
      if (policy.cap === null) return worst;
      if (worst === null) return policy.cap;
      return direction === 'higher' ? Math.min(worst, policy.cap) : Math.max(worst, policy.cap);
    }
    case 'percentile': {
      if (successfulScores.length === 0) return null;
      const ascending = [...successfulScores].sort((a, b) => a - b);
      const fromBest = direction === 'lower' ? policy.percentile : 100 - policy.percentile;
      return percentileOfSorted(ascending, fromBest);
    }
  }
}

/** Linear-interpolated percentile (numpy's default) of ascending values. */
function percentileOfSorted(ascending: readonly number[], p: number): number {
  const position = (Math.min(100, Math.max(0, p)) / 100) * (ascending.length - 1);
  const below = Math.floor(position);
  const above = Math.min(ascending.length - 1, below + 1);
  return ascending[below] + (ascending[above] - ascending[below]) * (position - below);
}
