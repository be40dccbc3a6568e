import { ExponentialTopKReward } from '../../src/rewards/builtin';
import type { RewardInput } from '../../src/rewards/reward-function';
import { RewardComputationError, RewardOptionsError } from '../../src/rewards/reward.errors';
import { exponentialShare, standing } from './support';

const fn = new ExponentialTopKReward();
const H = 3600;
const compute = (input: Partial<RewardInput> & Pick<RewardInput, 'standings'>) => fn.compute({ pool: 100, direction: 'higher', options: {}, ...input });
const paid = (input: Partial<RewardInput> & Pick<RewardInput, 'standings'>) => compute(input).payouts.map((p) => [p.modelId, p.rank]);
const benchmark = { benchmarkPlayerName: 'synth', benchmarkModelName: 'model-bench' };

describe('exponential-top-k', () => {
  it('pays rank r of K the share exp(alpha/r) / sum_{s<=K} exp(alpha/s) of the horizon pool', () => {
    const standings = ['a', 'b', 'c', 'd', 'e'].map((p, i) => standing(p, p, { [H]: 0.9 - i / 10 }));
    const { payouts } = compute({ standings, options: { topK: 4, alpha: 1 } });
    expect(payouts.map((p) => p.modelId)).toEqual(['a', 'b', 'c', 'd']);
    payouts.forEach((p, i) => expect(p.amount).toBeCloseTo(100 * exponentialShare(i + 1, 4), 12));
    expect(payouts.reduce((acc, p) => acc + p.amount, 0)).toBeCloseTo(100, 12);
  });

  it('leaves the shares of empty positions unpaid when fewer models than K are eligible', () => {
    const { payouts } = compute({ standings: [standing('a', 'a', { [H]: 0.8 }), standing('b', 'b', { [H]: 0.7 })], options: { topK: 4 } });
    expect(payouts.map((p) => p.amount)).toEqual([100 * exponentialShare(1, 4), 100 * exponentialShare(2, 4)]);
    expect(payouts.reduce((acc, p) => acc + p.amount, 0)).toBeCloseTo(61.97, 2); // 38.02 of 100 unpaid
  });

  it('without top-K pays every eligible model, normalised over their number', () => {
    const standings = ['a', 'b', 'c'].map((p, i) => standing(p, p, { [H]: 1 - i / 10 }));
    const { payouts } = compute({ standings, options: { topK: null, alpha: 2 } });
    expect(payouts.map((p) => p.amount)).toEqual([1, 2, 3].map((r) => 100 * exponentialShare(r, 3, 2)));
  });

  it('splits the pool equally between the horizons present, and ranks each horizon on its own', () => {
    const standings = [standing('a', 'a', { 3600: 0.9, 86400: 0.1 }), standing('b', 'b', { 3600: 0.2, 86400: 0.8 }), standing('c', 'c', { 300: null })];
    const result = compute({ standings, options: { topK: 1 } });
    expect(result.horizons).toEqual([
      { horizon: 3600, pool: 50, eligible: 2 },
      { horizon: 86400, pool: 50, eligible: 2 },
    ]);
    expect(result.payouts.map((p) => [p.horizon, p.modelId, p.amount])).toEqual([
      [3600, 'a', 50],
      [86400, 'b', 50],
    ]);
  });

  it('gives tied scores distinct ranks in leaderboard order (rank "first")', () => {
    const standings = [standing('x', 'x', { [H]: 0.5 }), standing('y', 'y', { [H]: 0.7 }), standing('z', 'z', { [H]: 0.5 })];
    expect(paid({ standings })).toEqual([['y', 1], ['x', 2], ['z', 3]]);
    expect(paid({ standings: [standings[2], standings[1], standings[0]] })).toEqual([['y', 1], ['z', 2], ['x', 3]]);
  });

  it('leaves out null and zero scores (the live game writes 0 for "no score"), unless zeroMeansUnscored is false', () => {
    const standings = [standing('zero', 'p1', { [H]: 0 }), standing('null', 'p2', { [H]: null }), standing('low', 'p3', { [H]: 0.2 }), standing('none', 'p4', {})];
    expect(paid({ standings })).toEqual([['low', 1]]);
    expect(compute({ standings }).horizons).toEqual([{ horizon: H, pool: 100, eligible: 1 }]);
    // A CRPS of 0 is a perfect forecast: with lower-is-better scores it must stay in.
    expect(paid({ standings, direction: 'lower', options: { zeroMeansUnscored: false } })).toEqual([['zero', 1], ['low', 2]]);
  });

  it('a horizon with only null or zero scores is not present and takes no share of the pool', () => {
    const standings = [standing('a', 'a', { 3600: 0.5, 86400: 0 }), standing('b', 'b', { 86400: null })];
    const result = compute({ standings, options: { topK: 1 } });
    expect(result.horizons.map((h) => h.horizon)).toEqual([3600]);
    expect(result.payouts).toEqual([expect.objectContaining({ modelId: 'a', horizon: 3600, amount: 100 })]);
  });

  it('ranks lower-is-better scores (CRPS) with the smallest first', () => {
    const standings = [standing('a', 'a', { [H]: 0.3 }), standing('b', 'b', { [H]: 0.1 }), standing('c', 'c', { [H]: 0.2 })];
    expect(paid({ standings, direction: 'lower' })).toEqual([['b', 1], ['c', 2], ['a', 3]]);
  });

  it("keeps only each player's best model, players told apart by name (as published) or by id", () => {
    const standings = [
      standing('a1', 'alice', { [H]: 0.6 }),
      standing('a2', 'alice', { [H]: 0.9 }),
      standing('b1', 'bob', { [H]: 0.8 }),
      standing('a3', 'alice', { [H]: 0.7 }, { playerId: 'other-alice' }),
    ];
    expect(paid({ standings })).toEqual([['a2', 1], ['b1', 2]]);
    expect(paid({ standings, options: { playerKey: 'id' } })).toEqual([['a2', 1], ['b1', 2], ['a3', 3]]);
    expect(paid({ standings, options: { bestModelPerPlayer: false } })).toEqual([['a2', 1], ['b1', 2], ['a3', 3], ['a1', 4]]);
  });

  describe('benchmark', () => {
    const standings = [
      standing('a', 'a', { [H]: 0.9 }),
      standing('bench', 'synth', { [H]: 0.8 }),
      standing('b', 'b', { [H]: 0.8 }),
      standing('c', 'c', { [H]: 0.7 }),
    ];

    it('is removed from the pool and the ranks close up behind it', () => {
      expect(paid({ standings, options: benchmark })).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    });

    it('with the cutoff, only models strictly better than the benchmark stay', () => {
      expect(paid({ standings, options: { ...benchmark, useBenchmarkCutoff: true } })).toEqual([['a', 1]]);
      expect(paid({ standings, direction: 'lower', options: { ...benchmark, useBenchmarkCutoff: true } })).toEqual([['c', 1]]);
    });

    it('missing without the cutoff: a warning, nobody excluded', () => {
      const result = compute({ standings: standings.filter((s) => s.modelId !== 'bench'), options: benchmark });
      expect(result.payouts.map((p) => p.modelId)).toEqual(['a', 'b', 'c']);
      expect(result.warnings).toEqual(['benchmark model "synth/model-bench" not found on horizon 3600: no model excluded, no cutoff']);
    });

    it('missing with the cutoff: an error naming the horizon', () => {
      const run = () => compute({ standings: standings.filter((s) => s.modelId !== 'bench'), options: { ...benchmark, useBenchmarkCutoff: true } });
      expect(run).toThrow(RewardComputationError);
      expect(run).toThrow('reward function "exponential-top-k": benchmark model "synth/model-bench" not found on horizon 3600 (useBenchmarkCutoff needs it)');
    });

    it("is looked for after the best-model-per-player step, as the published function does (a better model of the benchmark's player hides it)", () => {
      const withSibling = [...standings, standing('synth-2', 'synth', { [H]: 0.95 })];
      const result = compute({ standings: withSibling, options: benchmark });
      expect(result.payouts.map((p) => p.modelId)).toEqual(['synth-2', 'a', 'b', 'c']);
      expect(result.warnings).toHaveLength(1);
    });
  });

  it.each([
    [{ alpha: 'one' }, 'option "alpha" must be a finite number'],
    [{ alpha: -1 }, 'option "alpha" must be >= 0'],
    [{ topK: 0 }, 'option "topK" must be >= 1'],
    [{ topK: 2.5 }, 'option "topK" must be an integer or null'],
    [{ scoreColumn: '' }, 'option "scoreColumn" must be a non-empty string'],
    [{ playerKey: 'email' }, 'option "playerKey" must be one of name, id'],
    [{ useBenchmarkCutoff: true }, 'option "useBenchmarkCutoff" needs benchmarkPlayerName and benchmarkModelName'],
    [{ benchmarkPlayerName: 'synth' }, 'option "benchmarkModelName" must be set together with the other benchmark option'],
    [{ top_k: 4 }, 'option "top_k" is not an option of this reward function'],
  ])('validateOptions(%j) names the option', (options, message) => {
    expect(() => fn.validateOptions(options)).toThrow(RewardOptionsError);
    expect(() => fn.validateOptions(options)).toThrow(`reward function "exponential-top-k": ${message}`);
  });
});
