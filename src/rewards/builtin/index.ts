import type { RewardFunction } from '../reward-function';
import { ExponentialTopKReward } from './exponential-top-k.reward';
import { TiersReward } from './tiers.reward';

export { ExponentialTopKReward, TiersReward };

/** One fresh instance of every built-in reward function. */
export function createBuiltinRewardFunctions(): RewardFunction[] {
  return [new ExponentialTopKReward(), new TiersReward()];
}
