import { Module } from '@nestjs/common';
import { FeedRecordRepository } from '../data-source/feed-record.repository';
import { LeaderboardRepository } from '../leaderboard/leaderboard.repository';
import { PredictionStoreModule } from '../predict/prediction-store.module';
import { ScoreSnapshotRepository } from '../score/score-snapshot.repository';
import { CompetitionController } from './controllers/competition.controller';
import { FeedsController } from './controllers/feeds.controller';
import { LeaderboardController } from './controllers/leaderboard.controller';
import { LeaderboardDetailedController } from './controllers/leaderboard-detailed.controller';
import { ModelsController } from './controllers/models.controller';
import { PredictionsController } from './controllers/predictions.controller';
import { SnapshotsController } from './controllers/snapshots.controller';
import { WebController } from './controllers/web.controller';
import { LeaderboardResponseCache } from './leaderboard/leaderboard-response-cache';
import { FeedReportService } from './services/feed-report.service';
import { ModelReportService } from './services/model-report.service';
import { PredictionHistoryService } from './services/prediction-history.service';
import { ScoreHistoryService } from './services/score-history.service';

/**
 * The report API (`/reports/*`, `/info`) and the leaderboard web page (`/`). Needs, from the
 * app: the typeorm `DataSource`, `Clock`, `COMPETITION` and `APP_CONFIG` (global modules), and
 * optionally `LEADERBOARD_EVENTS` (an Observable that emits when a leaderboard is stored).
 * It has no SQL of its own: every read goes through the repository of the module that owns the
 * table (leaderboards, score_snapshots, predictions, models, feed_records).
 *
 * @example
 *   @Module({ imports: [ConfigModule.forRoot(config, competition), ClockModule.forRoot(), DatabaseModule, ReportModule] })
 */
@Module({
  // The repositories of the tables it reads, from the modules that own them (SQL only, no jobs).
  imports: [PredictionStoreModule],
  controllers: [
    LeaderboardController,
    LeaderboardDetailedController,
    ModelsController,
    PredictionsController,
    SnapshotsController,
    FeedsController,
    CompetitionController,
    WebController,
  ],
  providers: [LeaderboardRepository, ScoreSnapshotRepository, FeedRecordRepository, LeaderboardResponseCache, ScoreHistoryService, PredictionHistoryService, ModelReportService, FeedReportService],
  exports: [LeaderboardResponseCache],
})
export class ReportModule {}
