import { Module } from '@nestjs/common';
import { PredictionStoreModule } from '../predict/prediction-store.module';
import { ScoreModule } from '../score/score.module';
import { LeaderboardRepository } from './leaderboard.repository';
import { LeaderboardService } from './leaderboard.service';

/**
 * Ranking and leaderboard history. Refreshes after every scoring cycle (ScoreModule's hook);
 * the report module reads `LeaderboardService.latest()` and `leaderboardUpdated$`.
 */
@Module({
  imports: [ScoreModule, PredictionStoreModule],
  providers: [LeaderboardRepository, LeaderboardService],
  exports: [LeaderboardService, LeaderboardRepository],
})
export class LeaderboardModule {}
