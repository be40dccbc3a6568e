import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScorerRegistry } from './scorer.registry';

/**
 * Provides the ScorerRegistry (built-ins + every `@CompetitionScorer` provider in the app).
 *
 * @example
 *   @Module({ imports: [ScorersModule], providers: [MyCustomScorer] })
 *   export class MyCompetitionModule {}
 */
@Module({
  imports: [DiscoveryModule],
  providers: [ScorerRegistry],
  exports: [ScorerRegistry],
})
export class ScorersModule {}
