import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RewardFunctionRegistry } from './reward-function.registry';

/**
 * Provides the RewardFunctionRegistry (built-ins + every `@RewardFunction` provider in the app).
 *
 * @example
 *   @Module({ imports: [RewardsModule], providers: [WinnerTakesAll] })
 *   export class MyRewardsModule {}
 */
@Module({
  imports: [DiscoveryModule],
  providers: [RewardFunctionRegistry],
  exports: [RewardFunctionRegistry],
})
export class RewardsModule {}
