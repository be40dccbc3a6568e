import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RewardFunction, RewardInput, RewardResult } from '../../src/rewards/reward-function';
import { RewardFunctionRegistry } from '../../src/rewards/reward-function.registry';
import { RewardComputationError, RewardOptionsError, RewardRegistrationError, UnknownRewardFunctionError } from '../../src/rewards/reward.errors';
import { RewardsModule } from '../../src/rewards/rewards.module';
import { standing } from './support';

@Injectable()
class PayoutLog {
  calls = 0;
}

/** A team's own rule: the best model of each horizon takes that horizon's whole pool. */
@RewardFunction('winner-takes-all')
@Injectable()
class WinnerTakesAll implements RewardFunction {
  readonly name = 'winner-takes-all';
  constructor(private readonly log: PayoutLog) {}
  compute({ standings, pool }: RewardInput): RewardResult {
    this.log.calls++;
    const best = standings[0];
    return {
      payouts: [{ modelId: best.modelId, modelName: best.modelName, playerId: best.playerId, playerName: best.playerName, horizon: 3600, rank: 1, score: 1, amount: pool }],
      horizons: [{ horizon: 3600, pool, eligible: standings.length }],
      warnings: [],
    };
  }
}

/** A team's module lists its function as a provider, nothing else: no core edit. */
@Module({ imports: [RewardsModule], providers: [PayoutLog, WinnerTakesAll] })
class TeamRewardsModule {}

const input = (options: Record<string, unknown> = {}): RewardInput => ({
  standings: [standing('a', 'a', { 3600: 0.9 }), standing('b', 'b', { 3600: 0.5 })],
  pool: 10,
  direction: 'higher',
  options,
});

const fake = (name: string, amount: number | (() => never)): RewardFunction => ({
  name,
  compute: () => {
    const value = typeof amount === 'number' ? amount : amount();
    return { payouts: [{ modelId: 'a', modelName: 'a', playerId: 'a', playerName: 'a', horizon: 1, rank: 1, score: 1, amount: value }], horizons: [], warnings: [] };
  },
});

describe('RewardFunctionRegistry', () => {
  it('finds a @RewardFunction provider declared in a team module, with its dependencies injected', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TeamRewardsModule] }).compile();
    await moduleRef.init();
    const registry = moduleRef.get(RewardFunctionRegistry);
    expect(registry.names()).toEqual(['exponential-top-k', 'tiers', 'winner-takes-all']);
    expect(registry.compute('winner-takes-all', input()).payouts).toEqual([expect.objectContaining({ modelId: 'a', amount: 10 })]);
    expect(moduleRef.get(PayoutLog).calls).toBe(1);
    await moduleRef.close();
  });

  it('rejects a @RewardFunction whose name differs from the instance name', async () => {
    @RewardFunction('declared')
    @Injectable()
    class Mismatched implements RewardFunction {
      readonly name = 'other';
      compute(): RewardResult {
        return { payouts: [], horizons: [], warnings: [] };
      }
    }
    const moduleRef = await Test.createTestingModule({ imports: [RewardsModule], providers: [Mismatched] }).compile();
    await expect(moduleRef.init()).rejects.toThrow(/declared.*differs from the function's name "other"/);
  });

  it('refuses a second function under one name, and lists the known names for an unknown one', () => {
    const registry = new RewardFunctionRegistry();
    expect(() => registry.register(fake('tiers', 1))).toThrow(RewardRegistrationError);
    expect(() => registry.get('lottery')).toThrow(UnknownRewardFunctionError);
    expect(() => registry.get('lottery')).toThrow('unknown reward function "lottery"; known reward functions: exponential-top-k, tiers');
  });

  it('validateOptions() checks a function and its options at startup', () => {
    const registry = new RewardFunctionRegistry();
    expect(() => registry.validateOptions('exponential-top-k', { alpha: 2, topK: 10 })).not.toThrow();
    expect(() => registry.validateOptions('tiers', { unusedShares: 'renormalise' })).not.toThrow();
    expect(() => registry.validateOptions('tiers', { bands: 'all' })).toThrow(RewardOptionsError);
  });

  it('compute() refuses amounts that are negative, not finite, or add up to more than the pool', () => {
    const registry = new RewardFunctionRegistry();
    registry.register(fake('greedy', 10.001));
    registry.register(fake('negative', -1));
    registry.register(fake('nan', NaN));
    registry.register(
      fake('throws', () => {
        throw new Error('division by zero\n    at somewhere (file.ts:1:1)');
      }),
    );
    expect(() => registry.compute('greedy', input())).toThrow('reward function "greedy": pays 10.001, more than the pool 10');
    expect(() => registry.compute('negative', input())).toThrow('payout to model "a" is not a finite amount >= 0');
    expect(() => registry.compute('nan', input())).toThrow(RewardComputationError);
    expect(() => registry.compute('throws', input())).toThrow('reward function "throws": failed: division by zero');
    expect(() => registry.compute('tiers', { ...input(), pool: -5 })).toThrow('pool must be a finite number >= 0, got -5');
  });
});
