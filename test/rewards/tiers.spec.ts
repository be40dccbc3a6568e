import { TiersReward } from '../../src/rewards/builtin';
import type { RewardInput } from '../../src/rewards/reward-function';
import { RewardOptionsError } from '../../src/rewards/reward.errors';
import { standing } from './support';

const fn = new TiersReward();
const H = 3600;
const models = (n: number) => Array.from({ length: n }, (_, i) => standing(`m${i + 1}`, `p${i + 1}`, { [H]: 100 - i }));
const amounts = (input: Partial<RewardInput> & Pick<RewardInput, 'standings'>) =>
  fn.compute({ pool: 1000, direction: 'higher', options: {}, ...input }).payouts.map((p) => [p.rank, p.amount]);

describe('tiers', () => {
  it('pays the default bands: rank 1 35%, ranks 2-5 10% each, ranks 6-10 5% each, nothing after', () => {
    const paid = amounts({ standings: models(12) });
    expect(paid).toEqual([
      [1, 350],
      [2, 100],
      [3, 100],
      [4, 100],
      [5, 100],
      [6, 50],
      [7, 50],
      [8, 50],
      [9, 50],
      [10, 50],
    ]);
    expect(paid.reduce((acc, [, amount]) => acc + amount, 0)).toBeCloseTo(1000, 9);
  });

  it('leaves the shares of empty ranks undistributed by default', () => {
    expect(amounts({ standings: models(3) })).toEqual([
      [1, 350],
      [2, 100],
      [3, 100],
    ]);
  });

  it('with unusedShares: renormalise, spreads them over the paid ranks in proportion', () => {
    const paid = amounts({ standings: models(3), options: { unusedShares: 'renormalise' } });
    const expected = [(0.35 / 0.55) * 1000, (0.1 / 0.55) * 1000, (0.1 / 0.55) * 1000];
    paid.forEach(([, amount], i) => expect(amount).toBeCloseTo(expected[i], 9));
    expect(paid.reduce((acc, [, amount]) => acc + amount, 0)).toBeCloseTo(1000, 9);
  });

  it('renormalises to what the full bands pay when they add up to less than the pool', () => {
    const bands = [{ from: 1, to: 2, share: 0.25 }]; // 50% of the pool in all
    expect(amounts({ standings: models(1), options: { bands } })).toEqual([[1, 250]]);
    expect(amounts({ standings: models(1), options: { bands, unusedShares: 'renormalise' } })).toEqual([[1, 500]]);
  });

  it('ranks on the eligibility rules it shares with exponential-top-k (direction, best model per player)', () => {
    const standings = [standing('a1', 'a', { [H]: 0.3 }), standing('a2', 'a', { [H]: 0.1 }), standing('b', 'b', { [H]: 0.2 })];
    const payouts = fn.compute({ standings, pool: 100, direction: 'lower', options: {} }).payouts;
    expect(payouts.map((p) => [p.modelId, p.rank, p.amount])).toEqual([
      ['a2', 1, 35],
      ['b', 2, 10],
    ]);
  });

  it.each([
    [{ bands: [] }, 'option "bands" must be a non-empty list of { from, to, share }'],
    [{ bands: [{ from: 0, to: 1, share: 0.1 }] }, 'option "bands[0].from" must be an integer >= 1'],
    [{ bands: [{ from: 3, to: 2, share: 0.1 }] }, 'option "bands[0].to" must be an integer >= 3'],
    [{ bands: [{ from: 1, to: 1, share: -0.1 }] }, 'option "bands[0].share" must be a finite number >= 0'],
    [{ bands: [{ from: 1, to: 1, share: 0.1, extra: 1 }] }, 'option "bands[0].extra" is not a band key'],
    [{ bands: [{ from: 1, to: 3, share: 0.1 }, { from: 3, to: 4, share: 0.1 }] }, 'option "bands[1].from" must be after bands[0].to (3)'],
    [{ bands: [{ from: 1, to: 3, share: 0.5 }] }, 'option "bands" shares add up to 1.5 of the pool (at most 1)'],
    [{ unusedShares: 'keep' }, 'option "unusedShares" must be one of undistributed, renormalise'],
    [{ alpha: 1 }, 'option "alpha" is not an option of this reward function'],
  ])('validateOptions(%j) names the option', (options, message) => {
    expect(() => fn.validateOptions(options)).toThrow(RewardOptionsError);
    expect(() => fn.validateOptions(options)).toThrow(`reward function "tiers": ${message}`);
  });
});
