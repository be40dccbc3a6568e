import { Module } from '@nestjs/common';
import { PredictionStoreModule } from '../predict/prediction-store.module';
import { ScoreModule } from '../score/score.module';
import { LeaderboardRepository } from './leaderboard.repository';
import { LeaderboardService } from './leaderboard.service';

/**
 * Ranking and leaderboard history. Refreshes after every scoring cycle (ScoreModule's hook),
 * naming models from the `models` table and their last status from `predictions` (both through
 * PredictionStoreModule). The report reads `leaderboards` through LeaderboardRepository and
 * listens to `leaderboardUpdated$`.
 */
@Module({
  imports: [ScoreModule, PredictionStoreModule],
  providers: [LeaderboardRepository, LeaderboardService],
  exports: [LeaderboardService],
})
export class LeaderboardModule {}
