import { bucketIncrements } from '../../src/score/bucket-increments';
import type { PredictionScore } from '../../src/score/round-scoring';
import { WindowBuckets } from '../../src/score/window-buckets';

const HOUR = 3_600_000;
const buckets = new WindowBuckets([{ name: 'recent', seconds: 86_400 }]);

function score(over: Partial<PredictionScore>): PredictionScore {
  return { id: 'p', performedAtMs: 0, modelId: 'm', param: 'BTC-3600-60', resolvableAtMs: HOUR, value: 1, success: true, failedReason: null, ...over };
}

describe('bucketIncrements', () => {
  it('uses hourly buckets for daily windows', () => {
    expect(buckets.bucketMs).toBe(HOUR);
  });

  it('adds the scores of one model, parameter set and hour of resolvable_at into one increment', () => {
    const incs = bucketIncrements([score({ resolvableAtMs: HOUR + 5 }), score({ resolvableAtMs: 2 * HOUR - 1, value: 0.5 })], buckets);
    expect(incs).toEqual([{ modelId: 'm', param: 'BTC-3600-60', bucketStartMs: HOUR, scoreSum: 1.5, scoreCount: 2, failedCount: 0 }]);
  });

  it('keeps models, parameter sets and hours apart', () => {
    const incs = bucketIncrements([score({}), score({ modelId: 'other' }), score({ param: 'ETH-3600-60' }), score({ resolvableAtMs: 2 * HOUR })], buckets);
    expect(incs.map((i) => `${i.modelId}/${i.param}/${i.bucketStartMs / HOUR}`).sort()).toEqual(['m/BTC-3600-60/1', 'm/BTC-3600-60/2', 'm/ETH-3600-60/1', 'other/BTC-3600-60/1']);
  });

  it('counts a penalised failure as scored and failed', () => {
    const [inc] = bucketIncrements([score({ value: -2, success: false, failedReason: 'TIMEOUT' })], buckets);
    expect(inc).toMatchObject({ scoreSum: -2, scoreCount: 1, failedCount: 1 });
  });

  it('counts a void (null) score as failed only, so it moves no mean', () => {
    const [inc] = bucketIncrements([score({ value: null, success: false }), score({ value: 3 })], buckets);
    expect(inc).toMatchObject({ scoreSum: 3, scoreCount: 1, failedCount: 1 });
  });

  it('keeps 0.0 as a score', () => {
    const [inc] = bucketIncrements([score({ value: 0 })], buckets);
    expect(inc).toMatchObject({ scoreSum: 0, scoreCount: 1 });
  });

  it('gives nothing for no scores', () => {
    expect(bucketIncrements([], buckets)).toEqual([]);
  });
});
