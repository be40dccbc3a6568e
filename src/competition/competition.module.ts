import { Module } from '@nestjs/common';
import { CompetitionRepository } from './competition.repository';
import { CompetitionSyncService } from './competition-sync.service';
import { PredictionConfigRepository } from './prediction-config.repository';

/**
 * The competition as stored in the database: syncs the definition at start and serves the
 * prediction configs (with their ids) to the predict loop, scoring and the report.
 * Needs the global DataSource and COMPETITION providers.
 */
@Module({
  providers: [CompetitionRepository, PredictionConfigRepository, CompetitionSyncService],
  exports: [PredictionConfigRepository, CompetitionSyncService],
})
export class CompetitionModule {}
