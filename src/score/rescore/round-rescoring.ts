import type { StoredPredictionScore } from '../../predict/round/prediction-round.repository';
import type { DueRoundOrigin } from '../../predict/round/prediction-round';
import { BucketIncrement, bucketIncrements } from '../bucket-increments';
import { ClaimedPrediction, PredictionScore, RoundScoringRules, scorePrediction, settleRound, SettledTruth } from '../round-scoring';
import type { WindowBuckets } from '../window-buckets';

/** A scored prediction read for a rescore: as a cycle reads it, plus when it was scored. */
export type RescoredPrediction = ClaimedPrediction & { scoredAtMs: number };

/**
 * Scores one round again with the current rules, as a fresh run would have scored it: the
 * predictions a cycle scored together are settled together, and a part of the round scored by a
 * later cycle takes the earlier parts' successes into its penalty basis (`earlierSuccesses`),
 * exactly as those cycles did.
 *
 * @example
 *   rescoreRound(round, (key) => truths.get(key), rules) // [{ id, modelId, param, value: 0.41, success: true, ... }]
 */
export function rescoreRound(
  round: readonly RescoredPrediction[],
  truthOf: (key: string) => SettledTruth | undefined,
  rules: RoundScoringRules,
): PredictionScore[] {
  const byCycle = new Map<number, RescoredPrediction[]>();
  for (const p of round) {
    const part = byCycle.get(p.scoredAtMs);
    if (part) part.push(p);
    else byCycle.set(p.scoredAtMs, [p]);
  }
  const earlier: number[] = [];
  const scores: PredictionScore[] = [];
  for (const scoredAt of [...byCycle.keys()].sort((a, b) => a - b)) {
    const part = byCycle.get(scoredAt)!;
    const settled = settleRound(part, (p) => scorePrediction(p, truthOf, rules), truthOf, earlier, rules);
    for (const s of settled) {
      scores.push(s);
      if (s.success && s.value !== null) earlier.push(s.value);
    }
  }
  return scores;
}

/** The due-round origins (whose ground truth a rescore fetches again) of scored predictions. */
export function rescoreOrigins(predictions: readonly RescoredPrediction[]): DueRoundOrigin[] {
  const byRound = new Map<string, DueRoundOrigin>();
  for (const p of predictions) {
    const known = byRound.get(p.roundId);
    if (known) {
      known.unscored += 1;
      known.needsTruth ||= p.status === 'SUCCESS';
      known.resolvableAtMs = Math.min(known.resolvableAtMs, p.resolvableAtMs);
    } else {
      byRound.set(p.roundId, { roundId: p.roundId, asset: p.asset, horizon: p.horizon, step: p.step, performedAtMs: p.performedAtMs, resolvableAtMs: p.resolvableAtMs, unscored: 1, needsTruth: p.status === 'SUCCESS', hadScores: true });
    }
  }
  return [...byRound.values()];
}

/**
 * What the window buckets must add so that `stored` contributions (what they counted) become
 * `fresh` ones: fresh minus stored, per bucket; buckets with no change are left out. With no
 * fresh scores, it takes the stored ones out (a void round).
 *
 * @example
 *   bucketCorrections([{ ...stored, value: 0.5, success: true }], [{ ...fresh, value: 0.7, success: true }], buckets)
 *   // [{ modelId, param, bucketStartMs, scoreSum: 0.2 (0.7 - 0.5), scoreCount: 0, failedCount: 0 }]
 */
export function bucketCorrections(stored: readonly StoredPredictionScore[], fresh: readonly PredictionScore[], buckets: WindowBuckets): BucketIncrement[] {
  const byKey = new Map<string, BucketIncrement>();
  const add = (increments: BucketIncrement[], sign: 1 | -1) => {
    for (const i of increments) {
      const key = `${i.modelId}\u0000${i.param}\u0000${i.bucketStartMs}`;
      const sum = byKey.get(key) ?? { modelId: i.modelId, param: i.param, bucketStartMs: i.bucketStartMs, scoreSum: 0, scoreCount: 0, failedCount: 0 };
      sum.scoreSum += sign * i.scoreSum;
      sum.scoreCount += sign * i.scoreCount;
      sum.failedCount += sign * i.failedCount;
      byKey.set(key, sum);
    }
  };
  add(bucketIncrements(stored.filter((s) => s.counted), buckets), -1);
  add(bucketIncrements(fresh, buckets), 1);
  return [...byKey.values()].filter((c) => c.scoreSum !== 0 || c.scoreCount !== 0 || c.failedCount !== 0);
}
