import { Module } from '@nestjs/common';
import { CompetitionController } from './controllers/competition.controller';
import { FeedsController } from './controllers/feeds.controller';
import { LeaderboardController } from './controllers/leaderboard.controller';
import { ModelsController } from './controllers/models.controller';
import { PredictionsController } from './controllers/predictions.controller';
import { SnapshotsController } from './controllers/snapshots.controller';
import { WebController } from './controllers/web.controller';
import { LeaderboardResponseCache } from './leaderboard/leaderboard-response-cache';
import { ReportRepository } from './report.repository';
import { FeedReportService } from './services/feed-report.service';
import { ModelReportService } from './services/model-report.service';
import { PredictionHistoryService } from './services/prediction-history.service';
import { ScoreHistoryService } from './services/score-history.service';

/**
 * The report API (`/reports/*`, `/info`) and the leaderboard web page (`/`). Needs, from the
 * app: the typeorm `DataSource`, `Clock`, `COMPETITION` and `APP_CONFIG` (global modules), and
 * optionally `LEADERBOARD_EVENTS` (an Observable that emits when a leaderboard is stored).
 *
 * @example
 *   @Module({ imports: [ConfigModule.forRoot(config, competition), ClockModule.forRoot(), DatabaseModule, ReportModule] })
 */
@Module({
  controllers: [
    LeaderboardController,
    ModelsController,
    PredictionsController,
    SnapshotsController,
    FeedsController,
    CompetitionController,
    WebController,
  ],
  providers: [ReportRepository, LeaderboardResponseCache, ScoreHistoryService, PredictionHistoryService, ModelReportService, FeedReportService],
  exports: [LeaderboardResponseCache],
})
export class ReportModule {}
