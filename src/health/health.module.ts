import { Global, Module, OnModuleInit } from '@nestjs/common';
import { DatabaseLifecycle } from '../database/database.module';
import { LeaderboardRepository } from '../leaderboard/leaderboard.repository';
import { PredictionStoreModule } from '../predict/prediction-store.module';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { PipelineHealthChecks } from './pipeline-health-checks';

@Global()
@Module({
  // The tables the pipeline checks read (SQL only, through their owners' repositories).
  imports: [PredictionStoreModule],
  controllers: [HealthController],
  providers: [HealthRegistry, LeaderboardRepository, PipelineHealthChecks],
  exports: [HealthRegistry],
})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly database: DatabaseLifecycle,
  ) {}

  onModuleInit(): void {
    this.registry.register('database', () => this.database.ping());
  }
}
