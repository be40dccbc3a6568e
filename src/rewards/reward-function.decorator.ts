import { SetMetadata } from '@nestjs/common';

/** Metadata key under which `@RewardFunction(name)` stores the function name on the class. */
export const REWARD_FUNCTION = 'coordinator:reward-function';

/**
 * Marks an injectable provider as a reward function; `RewardFunctionRegistry` discovers it at
 * startup, so a team adds its own payout rule by listing one provider in its own module.
 *
 * @example
 *   @RewardFunction('winner-takes-all')
 *   @Injectable()
 *   export class WinnerTakesAll implements RewardFunction { readonly name = 'winner-takes-all'; ... }
 *
 *   @Module({ imports: [RewardsModule], providers: [WinnerTakesAll] })
 *   export class MyRewardsModule {}
 */
export const RewardFunction = (name: string): ClassDecorator => SetMetadata(REWARD_FUNCTION, name);
