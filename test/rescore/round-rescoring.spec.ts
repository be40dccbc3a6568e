import type { StoredPredictionScore } from '../../src/predict/round/prediction-round.repository';
import { bucketCorrections, RescoredPrediction, rescoreRound } from '../../src/score/rescore/round-rescoring';
import type { RoundScoringRules, SettledTruth } from '../../src/score/round-scoring';
import { WindowBuckets } from '../../src/score/window-buckets';

const HOUR = 3_600_000;
const buckets = new WindowBuckets([{ name: 'recent', seconds: 86400 }]);

function prediction(id: string, modelId: string, status: 'SUCCESS' | 'FAILED', scoredAtMs: number, answer = 0): RescoredPrediction {
  return {
    id,
    roundId: 'r1',
    modelId,
    asset: 'BTC',
    horizon: 3600,
    step: 3600,
    status,
    payloadJson: status === 'SUCCESS' ? JSON.stringify(answer) : null,
    failureReason: status === 'SUCCESS' ? null : 'crashed',
    performedAtMs: 0,
    resolvableAtMs: HOUR,
    scoredAtMs,
  };
}

function stored(id: string, modelId: string, value: number | null, success: boolean, counted = true): StoredPredictionScore {
  return { id, performedAtMs: HOUR - 3_540_000, roundId: 'r1', modelId, param: 'BTC-3600-3600', resolvableAtMs: HOUR + 60_000, scoredAtMs: 2 * HOUR, value, success, counted, failedReason: null };
}

// The new scorer: the answer itself is the score.
const rules: RoundScoringRules = { penalty: { policy: 'batch-min', cap: null }, direction: 'higher', options: {}, score: (input) => ({ ok: true, value: input.payload as number }) };
const truth: SettledTruth = { ok: true, values: [0.01] };

describe('rescoreRound', () => {
  it('settles the predictions of each scoring cycle together, a later part penalised against the earlier successes', () => {
    const round = [prediction('p1', 'a', 'SUCCESS', 2 * HOUR, 5), prediction('p2', 'b', 'SUCCESS', 2 * HOUR, 3), prediction('p3', 'c', 'FAILED', 3 * HOUR), prediction('p4', 'd', 'SUCCESS', 3 * HOUR, 4)];
    const scores = rescoreRound(round, () => truth, rules);
    expect(scores.map((s) => [s.id, s.value, s.success])).toEqual([
      ['p1', 5, true],
      ['p2', 3, true],
      // Its cycle's penalty: the worst success of the round so far (3, from the earlier part), not of its own part (4).
      ['p3', 3, false],
      ['p4', 4, true],
    ]);
  });

  it('scores a round whose ground truth is gone for good as void: failed, no score', () => {
    const scores = rescoreRound([prediction('p1', 'a', 'SUCCESS', 2 * HOUR, 5)], () => ({ ok: false, reason: 'gap in the feed' }), rules);
    expect(scores).toEqual([expect.objectContaining({ id: 'p1', value: null, success: false })]);
  });
});

describe('bucketCorrections', () => {
  const fresh = (id: string, modelId: string, value: number | null, success: boolean) => ({ id, performedAtMs: HOUR - 3_540_000, modelId, param: 'BTC-3600-3600', resolvableAtMs: HOUR + 60_000, value, success, failedReason: null });

  it('adds new minus stored per bucket', () => {
    const corrections = bucketCorrections([stored('p1', 'a', 0.5, true), stored('p2', 'a', 0.1, false)], [fresh('p1', 'a', 0.75, true), fresh('p2', 'a', 0.2, false)], buckets);
    expect(corrections).toHaveLength(1);
    expect(corrections[0]).toMatchObject({ modelId: 'a', bucketStartMs: HOUR, scoreCount: 0, failedCount: 0 });
    expect(corrections[0].scoreSum).toBeCloseTo(0.35, 12);
  });

  it('takes stored scores out when there are no new ones (a void), leaving out what no bucket counted', () => {
    expect(bucketCorrections([stored('p1', 'a', 0.5, true), stored('p2', 'b', null, false), stored('p3', 'c', null, false, false)], [], buckets)).toEqual([
      { modelId: 'a', param: 'BTC-3600-3600', bucketStartMs: HOUR, scoreSum: -0.5, scoreCount: -1, failedCount: 0 },
      { modelId: 'b', param: 'BTC-3600-3600', bucketStartMs: HOUR, scoreSum: 0, scoreCount: 0, failedCount: -1 },
    ]);
  });

  it('leaves out buckets that do not change', () => {
    expect(bucketCorrections([stored('p1', 'a', 0.5, true)], [fresh('p1', 'a', 0.5, true)], buckets)).toEqual([]);
  });
});
