import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ReportReadScope } from '../database/report-read-scope';
import { FeedRecordRepository } from '../data-source/feed-record.repository';
import { LeaderboardRepository } from '../leaderboard/leaderboard.repository';
import { PredictionStoreModule } from '../predict/prediction-store.module';
import { RewardsStoreModule } from '../rewards/rewards-store.module';
import { ScoreSnapshotRepository } from '../score/score-snapshot.repository';
import { ScorersModule } from '../score/scorers/scorers.module';
import { CheckpointsController } from './controllers/checkpoints.controller';
import { EmissionsController } from './controllers/emissions.controller';
import { MerkleController } from './controllers/merkle.controller';
import { CompetitionController } from './controllers/competition.controller';
import { FeedsController } from './controllers/feeds.controller';
import { LeaderboardColumnsController, MetricsWidgetsController } from './controllers/layout.controllers';
import { LeaderboardController } from './controllers/leaderboard.controller';
import { LeaderboardDetailedController } from './controllers/leaderboard-detailed.controller';
import { ModelsController } from './controllers/models.controller';
import { PredictionsController } from './controllers/predictions.controller';
import { SnapshotsController } from './controllers/snapshots.controller';
import { WebController } from './controllers/web.controller';
import { CsvInterceptor } from './csv/csv.interceptor';
import { PricesController } from './prices/prices.controller';
import { PriceDownloadService } from './prices/price-download.service';
import { ReportLayoutRepository } from './layout/report-layout.repository';
import { ReportLayoutService } from './layout/report-layout.service';
import { LeaderboardResponseCache } from './leaderboard/leaderboard-response-cache';
import { FeedReportService } from './services/feed-report.service';
import { ModelReportService } from './services/model-report.service';
import { PredictionHistoryService } from './services/prediction-history.service';
import { RoundsController } from './rounds/rounds.controller';
import { ScoreHistoryService } from './services/score-history.service';

/**
 * The report API (`/reports/*`, `/info`) and the leaderboard web page (`/`). Needs, from the
 * app: the typeorm `DataSource`, `Clock`, `COMPETITION` and `APP_CONFIG` (global modules), and
 * optionally `LEADERBOARD_EVENTS` (an Observable that emits when a leaderboard is stored).
 * Its only table is `report_layouts` (the organiser's edited columns and widgets, through
 * ReportLayoutRepository); every other read goes through the repository of the module that owns
 * the table (leaderboards, score_snapshots, predictions, models, feed_records). Those readers are
 * built in a ReportReadScope, so they query through REPORT_DATA_SOURCE (the read-only
 * REPORT_DATABASE_URL when set); the layout repository, which writes, keeps the main DataSource.
 *
 * @example
 *   @Module({ imports: [ConfigModule.forRoot(config, competition), ClockModule.forRoot(), DatabaseModule, ReportModule] })
 */
@Module({
  // The repositories of the tables it reads, from the modules that own them (SQL only, no jobs),
  // on the report connection; and the scorers (a column says which way its score is better).
  imports: [
    ReportReadScope.of({ stores: [PredictionStoreModule, RewardsStoreModule], repositories: [LeaderboardRepository, ScoreSnapshotRepository, FeedRecordRepository] }),
    ScorersModule,
  ],
  controllers: [
    LeaderboardController,
    LeaderboardDetailedController,
    ModelsController,
    PredictionsController,
    SnapshotsController,
    FeedsController,
    CompetitionController,
    LeaderboardColumnsController,
    MetricsWidgetsController,
    WebController,
    CheckpointsController,
    EmissionsController,
    MerkleController,
    RoundsController,
    PricesController,
  ],
  providers: [
    // Every list route answers CSV on request (?format=csv or Accept: text/csv).
    { provide: APP_INTERCEPTOR, useClass: CsvInterceptor },
    ReportLayoutRepository,
    ReportLayoutService,
    LeaderboardResponseCache,
    ScoreHistoryService,
    PredictionHistoryService,
    ModelReportService,
    FeedReportService,
    PriceDownloadService,
  ],
  exports: [LeaderboardResponseCache],
})
export class ReportModule {}
