import { Module } from '@nestjs/common';
import { PredictionStoreModule } from '../predict/prediction-store.module';
import { ScoreCommitmentRepository } from './score-commitment.repository';
import { ScoreCycleService } from './score-cycle.service';
import { ScoreRetentionService } from './score-retention.service';
import { ScoreSnapshotPartitionRepository } from './score-snapshot-partitions.repository';
import { ScoreSnapshotRepository } from './score-snapshot.repository';
import { ScoreWindowStoreModule } from './score-window-store.module';
import { ScorersModule } from './scorers/scorers.module';

/**
 * Scoring cycles, rolling windows, snapshots and retention. Needs from the app: `COMPETITION`
 * (ConfigModule), `Clock` (ClockModule, whose ScheduledJobs arms the `@RecurringJob` cycle and
 * retention with the score role), the TypeORM `DataSource` (DatabaseModule)
 * and `GROUND_TRUTH` (a GroundTruthSource) from a global module, e.g.
 * `{ provide: GROUND_TRUTH, useExisting: DataSourceService }` exported by the data-source module.
 * Optional: `SCORE_CYCLE_OPTIONS` ({ batchPredictions }).
 */
@Module({
  imports: [ScorersModule, PredictionStoreModule, ScoreWindowStoreModule],
  providers: [ScoreSnapshotRepository, ScoreSnapshotPartitionRepository, ScoreCommitmentRepository, ScoreCycleService, ScoreRetentionService],
  exports: [ScoreCycleService, ScorersModule, ScoreWindowStoreModule, ScoreSnapshotRepository, ScoreCommitmentRepository],
})
export class ScoreModule {}
