import { Module } from '@nestjs/common';
import { ModelRegistryRepository } from './registry/model-registry.repository';
import { PredictionPartitionRepository } from './round/prediction-partitions.repository';
import { PredictionRoundRepository } from './round/prediction-round.repository';

/**
 * The tables the predict module owns, for every module that reads or updates them: `models`
 * (ModelRegistryRepository) and `predictions` + `prediction_rounds` (PredictionRoundRepository; the
 * partitions of `predictions`: PredictionPartitionRepository).
 * Needs only the TypeORM `DataSource`, so a score-only or report-only instance imports it
 * without the predict loop.
 *
 * @example
 *   @Module({ imports: [PredictionStoreModule], providers: [ScoreCycleService] })
 */
@Module({
  providers: [ModelRegistryRepository, PredictionRoundRepository, PredictionPartitionRepository],
  exports: [ModelRegistryRepository, PredictionRoundRepository, PredictionPartitionRepository],
})
export class PredictionStoreModule {}
