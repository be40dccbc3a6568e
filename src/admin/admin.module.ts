import { Module } from '@nestjs/common';
import { AdminActionRepository } from './audit/admin-action.repository';
import { AdminActionsController } from './audit/admin-actions.controller';
import { AdminAuditService } from './audit/admin-audit.service';
// Voiding rounds and rescoring (the rescore agent's lines)
import { RoundVoidModule } from '../score/rescore/round-void.module';
import { AdminJobsController } from './jobs/admin-jobs.controller';
import { AdminRoundsController } from './rounds/admin-rounds.controller';

/**
 * The admin API (`/admin/*`, admin-tier keys): operator actions on a running competition, each
 * recorded by AdminAuditService in `admin_actions`. It writes through the main connection (never
 * the read-only report one) and acts on the pipeline through the database and the services of
 * the modules that own the tables, so it works on any instance that serves HTTP.
 */
@Module({
  imports: [RoundVoidModule],
  controllers: [AdminActionsController, AdminRoundsController, AdminJobsController],
  providers: [AdminActionRepository, AdminAuditService],
  exports: [AdminAuditService],
})
export class AdminModule {}
