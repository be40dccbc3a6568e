import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../../leaderboard/leaderboard.module';
import { PredictionStoreModule } from '../../predict/prediction-store.module';
import { ScoreModule } from '../score.module';
import { AdminJobRunner } from './admin-job-runner.service';
import { RescoreEngine } from './rescore.engine';
import { RoundVoidModule } from './round-void.module';
import { ScoreHistoryService } from './score-history.service';

/**
 * The score role's side of voids and rescores: the admin-job runner (a `@RecurringJob`), the
 * rescore engine and the history recompute. Needs what ScoreModule needs (GROUND_TRUTH among them).
 */
@Module({
  imports: [ScoreModule, LeaderboardModule, PredictionStoreModule, RoundVoidModule],
  providers: [ScoreHistoryService, RescoreEngine, AdminJobRunner],
  exports: [RescoreEngine, AdminJobRunner, RoundVoidModule],
})
export class RescoreModule {}
