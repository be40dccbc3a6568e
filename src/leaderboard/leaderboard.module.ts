import { Module } from '@nestjs/common';
import { ScoreModule } from '../score/score.module';
import { LeaderboardRepository } from './leaderboard.repository';
import { LeaderboardService } from './leaderboard.service';

/**
 * Ranking and leaderboard history. Refreshes after every scoring cycle (ScoreModule's hook);
 * the report module reads `LeaderboardService.latest()` and `leaderboardUpdated$`.
 */
@Module({
  imports: [ScoreModule],
  providers: [LeaderboardRepository, LeaderboardService],
  exports: [LeaderboardService],
})
export class LeaderboardModule {}
