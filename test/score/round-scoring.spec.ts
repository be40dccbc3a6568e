import { ClaimedPrediction, RoundScoringRules, scorePrediction, settleRound, SettledTruth, truthKey } from '../../src/score/round-scoring';
import type { ScoreInput, ScoreOutcome } from '../../src/score/scorers/scorer';

/** Pure round rules, without a database: one prediction's outcome, then the round's penalty. */
function prediction(over: Partial<ClaimedPrediction> = {}): ClaimedPrediction {
  return {
    id: 'p1',
    roundId: 'r1',
    modelId: 'm1',
    asset: 'BTC',
    horizon: 120,
    step: 60,
    status: 'SUCCESS',
    payloadJson: '[1,2]',
    failureReason: null,
    performedAtMs: 1_000_000,
    resolvableAtMs: 1_120_000,
    ...over,
  };
}

/** Scores the sum of the payload against the sum of the truth: higher is better, 0 is perfect. */
const rules: RoundScoringRules = {
  penalty: { policy: 'batch-min', cap: null },
  direction: 'higher',
  options: {},
  score({ payload, truth }: ScoreInput): ScoreOutcome {
    if (!Array.isArray(payload)) return { ok: false, reason: 'expected a list' };
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return { ok: true, value: -Math.abs(sum(payload as number[]) - sum(truth)) };
  },
};

const known = (values: number[]): ((key: string) => SettledTruth | undefined) => () => ({ ok: true, values });

describe('scorePrediction', () => {
  it('scores a successful prediction against its ground truth', () => {
    expect(scorePrediction(prediction(), known([1, 1]), rules)).toEqual({ ok: true, value: -1 });
  });

  it('passes the prediction, its truth and the scorer options to the scorer', () => {
    const seen: ScoreInput[] = [];
    scorePrediction(prediction(), known([0.5]), { ...rules, options: { k: 3 }, score: (input) => (seen.push(input), { ok: true, value: 0 }) });
    expect(seen).toEqual([{ payload: [1, 2], truth: [0.5], asset: 'BTC', horizon: 120, step: 60, options: { k: 3 } }]);
  });

  it('fails a prediction that did not succeed with its status and reason, without asking the scorer', () => {
    const score = jest.fn();
    const outcome = scorePrediction(prediction({ status: 'TIMEOUT', failureReason: 'no answer in 5000 ms' }), known([1]), { ...rules, score });
    expect(outcome).toEqual({ ok: false, reason: expect.stringContaining('TIMEOUT') });
    expect((outcome as { reason: string }).reason).toContain('no answer in 5000 ms');
    expect(score).not.toHaveBeenCalled();
  });

  it('fails a prediction whose ground truth is missing or unavailable', () => {
    expect(scorePrediction(prediction(), () => undefined, rules)).toEqual({ ok: false, reason: 'no ground truth' });
    expect(scorePrediction(prediction(), () => ({ ok: false, reason: 'feed gap' }), rules)).toEqual({ ok: false, reason: 'no ground truth' });
  });

  it('turns a scorer that throws into a failure naming the error', () => {
    const outcome = scorePrediction(prediction(), known([1]), { ...rules, score: () => { throw new Error('division by zero'); } });
    expect(outcome.ok).toBe(false);
    expect((outcome as { reason: string }).reason).toMatch(/scorer error.*division by zero/);
  });

  it('refuses a non-finite score from the scorer', () => {
    const outcome = scorePrediction(prediction(), known([1]), { ...rules, score: () => ({ ok: true, value: Number.NaN }) });
    expect(outcome).toEqual({ ok: false, reason: 'scorer returned a non-finite score (NaN)' });
  });

  it('marks a payload the scorer rejects as an invalid prediction', () => {
    const outcome = scorePrediction(prediction({ payloadJson: '{"a":1}' }), known([1]), rules);
    expect(outcome.ok).toBe(false);
    expect((outcome as { reason: string }).reason).toMatch(/invalid prediction.*expected a list/);
  });
});

describe('settleRound', () => {
  const ok = (value: number): ScoreOutcome => ({ ok: true, value });
  const failed: ScoreOutcome = { ok: false, reason: 'FAILED: boom' };

  it('keeps the value of each success and gives each failure the worst success of the round', () => {
    const round = [prediction({ id: 'a', modelId: 'ma' }), prediction({ id: 'b', modelId: 'mb' }), prediction({ id: 'c', modelId: 'mc', status: 'FAILED' })];
    const outcomes = new Map([['a', ok(0.8)], ['b', ok(1.2)], ['c', failed]]);
    const scores = settleRound(round, (p) => outcomes.get(p.id)!, known([0]), [], { penalty: { policy: 'batch-min', cap: null }, direction: 'higher' });
    expect(scores.map((s) => [s.id, s.value, s.success, s.failedReason])).toEqual([
      ['a', 0.8, true, null],
      ['b', 1.2, true, null],
      ['c', 0.8, false, 'FAILED: boom'],
    ]);
  });

  it('takes the worst end by the scorer direction (lower is better: the maximum)', () => {
    const round = [prediction({ id: 'a' }), prediction({ id: 'b' }), prediction({ id: 'c' })];
    const outcomes = new Map([['a', ok(3)], ['b', ok(7)], ['c', failed]]);
    const scores = settleRound(round, (p) => outcomes.get(p.id)!, known([0]), [], { penalty: { policy: 'batch-min', cap: null }, direction: 'lower' });
    expect(scores.find((s) => s.id === 'c')!.value).toBe(7);
  });

  it('counts the scores already stored for the round in the penalty (a round scored in parts)', () => {
    const round = [prediction({ id: 'x', status: 'ABSENT' })];
    const scores = settleRound(round, () => failed, known([0]), [0.1, 0.5], { penalty: { policy: 'batch-min', cap: null }, direction: 'higher' });
    expect(scores[0].value).toBe(0.1);
  });

  it('applies the cap, and gives a round without any success the cap', () => {
    const caps = { penalty: { policy: 'batch-min' as const, cap: 0 }, direction: 'higher' as const };
    expect(settleRound([prediction({ id: 'a' }), prediction({ id: 'b' })], (p) => (p.id === 'a' ? ok(0.4) : failed), known([0]), [], caps)[1].value).toBe(0);
    expect(settleRound([prediction({ id: 'a' })], () => failed, known([0]), [], caps)[0].value).toBe(0);
  });

  it('voids every prediction of a round whose truth is unavailable for good, without asking for outcomes', () => {
    const outcomeOf = jest.fn();
    const round = [prediction({ id: 'a' }), prediction({ id: 'b', asset: 'ETH' })];
    const truthOf = (key: string): SettledTruth | undefined => (key === truthKey(round[1]) ? { ok: false, reason: 'feed down for 2 h' } : { ok: true, values: [1] });
    const scores = settleRound(round, outcomeOf, truthOf, [], { penalty: { policy: 'fixed', value: -1 }, direction: 'higher' });
    expect(outcomeOf).not.toHaveBeenCalled();
    expect(scores.map((s) => [s.id, s.value, s.success])).toEqual([['a', null, false], ['b', null, false]]);
    expect(scores[0].failedReason).toMatch(/no ground truth.*feed down for 2 h/);
  });

  it('carries the model, the parameter set and the resolution time into each score', () => {
    const [score] = settleRound([prediction({ id: 'a', modelId: 'm9', asset: 'ETH', horizon: 3600, step: 300 })], () => ok(2), known([0]), [], { penalty: { policy: 'fixed', value: 0 }, direction: 'higher' });
    expect(score).toMatchObject({ id: 'a', modelId: 'm9', param: 'ETH-3600-300', resolvableAtMs: 1_120_000 });
  });
});
