import { Module } from '@nestjs/common';
import { AdminJobRepository } from '../../admin/jobs/admin-job.repository';
import { PredictionStoreModule } from '../../predict/prediction-store.module';
import { ScoreWindowStoreModule } from '../score-window-store.module';
import { RoundVoidService } from './round-void.service';

/**
 * Voiding rounds and queuing admin jobs: database only (no ground truth, no scorer), so the
 * admin API can do it on an instance without the score role; the score role's RescoreModule
 * runs the jobs. Needs COMPETITION, Clock and the DataSource from the app.
 */
@Module({
  imports: [PredictionStoreModule, ScoreWindowStoreModule],
  providers: [AdminJobRepository, RoundVoidService],
  exports: [RoundVoidService, AdminJobRepository],
})
export class RoundVoidModule {}
