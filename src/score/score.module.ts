import { Module } from '@nestjs/common';
import { ScoreCycleRepository } from './score-cycle.repository';
import { ScoreCycleService } from './score-cycle.service';
import { ScoreRetentionRepository } from './score-retention.repository';
import { ScoreRetentionService } from './score-retention.service';
import { ScoreSnapshotRepository } from './score-snapshot.repository';
import { ScoreWindowRepository } from './score-window.repository';
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
  imports: [ScorersModule],
  providers: [ScoreCycleRepository, ScoreWindowRepository, ScoreSnapshotRepository, ScoreRetentionRepository, ScoreCycleService, ScoreRetentionService],
  exports: [ScoreCycleService, ScoreWindowRepository, ScorersModule],
})
export class ScoreModule {}
