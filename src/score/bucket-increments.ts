import type { PredictionScore } from './round-scoring';
import type { WindowBuckets } from './window-buckets';

/** What one scoring transaction adds to a `score_buckets` row. */
export interface BucketIncrement {
  modelId: string;
  param: string;
  bucketStartMs: number;
  /** Sum of the non-null scores (successes and penalties). */
  scoreSum: number;
  /** Predictions with a score (successes and penalised failures). */
  scoreCount: number;
  /** Predictions that failed (penalised or void). */
  failedCount: number;
}

/**
 * Folds a batch of prediction scores into per-bucket increments (keyed on `resolvable_at`).
 *
 * @example
 *   bucketIncrements([{ modelId: 'm', param: 'BTC-3600-60', resolvableAtMs: 5_400_000, value: 0.5, success: true, ... }], buckets)
 *   // [{ modelId: 'm', param: 'BTC-3600-60', bucketStartMs: 3_600_000, scoreSum: 0.5, scoreCount: 1, failedCount: 0 }]
 */
export function bucketIncrements(scores: readonly PredictionScore[], buckets: WindowBuckets): BucketIncrement[] {
  const byKey = new Map<string, BucketIncrement>();
  for (const s of scores) {
    const bucketStartMs = buckets.bucketStartMs(s.resolvableAtMs);
    const key = `${s.modelId}\u0000${s.param}\u0000${bucketStartMs}`;
    let inc = byKey.get(key);
    if (!inc) {
      inc = { modelId: s.modelId, param: s.param, bucketStartMs, scoreSum: 0, scoreCount: 0, failedCount: 0 };
      byKey.set(key, inc);
    }
    if (s.value !== null) {
      inc.scoreSum += s.value;
      inc.scoreCount += 1;
    }
    if (!s.success) inc.failedCount += 1;
  }
  return [...byKey.values()];
}
