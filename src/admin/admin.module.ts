import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BUILT_IN_FEED_ADAPTERS } from '../data-source/adapters';
import { FeedRecordRepository } from '../data-source/feed-record.repository';
import { FeedRegistry } from '../data-source/feed-registry';
import { PredictionStoreModule } from '../predict/prediction-store.module';
import { CheckpointStatusService } from '../rewards/checkpoints/checkpoint-status.service';
import { RewardsModule } from '../rewards/rewards.module';
import { RewardsStoreModule } from '../rewards/rewards-store.module';
import { AdminActionRepository } from './audit/admin-action.repository';
import { AdminActionsController } from './audit/admin-actions.controller';
import { AdminAuditService } from './audit/admin-audit.service';
import { AdminCheckpointsController } from './checkpoints/admin-checkpoints.controller';
import { AdminFeedController } from './feed/admin-feed.controller';
import { FeedBackfillService } from './feed/feed-backfill.service';
import { AdminModelsController } from './models/admin-models.controller';
import { ModelFlagsService } from './models/model-flags.service';
import { RoundVoidModule } from '../score/rescore/round-void.module';
import { AdminJobsController } from './jobs/admin-jobs.controller';
import { AdminRoundsController } from './rounds/admin-rounds.controller';

/**
 * The admin API (`/admin/*`, admin-tier keys): operator actions on a running competition, each
 * recorded by AdminAuditService in `admin_actions`. It writes through the main connection (never
 * the read-only report one) and acts on the pipeline through the database and the services of
 * the modules that own the tables, so it works on any instance that serves HTTP: model flags go
 * to `models` (the predict role reads them), checkpoint changes go through CheckpointStatusService,
 * and a feed backfill builds its own instance of the feed adapter (the feed registry and its
 * adapters, not the running DataSourceService, which only the predict and score roles start).
 */
@Module({
  imports: [DiscoveryModule, PredictionStoreModule, RewardsModule, RewardsStoreModule, RoundVoidModule],
  controllers: [AdminActionsController, AdminModelsController, AdminFeedController, AdminCheckpointsController, AdminRoundsController, AdminJobsController],
  providers: [
    AdminActionRepository,
    AdminAuditService,
    ModelFlagsService,
    CheckpointStatusService,
    FeedRegistry,
    ...BUILT_IN_FEED_ADAPTERS,
    FeedRecordRepository,
    FeedBackfillService,
  ],
  exports: [AdminAuditService],
})
export class AdminModule {}
