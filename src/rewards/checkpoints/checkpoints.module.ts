import { Module } from '@nestjs/common';
import { LeaderboardModule } from '../../leaderboard/leaderboard.module';
import { PredictionStoreModule } from '../../predict/prediction-store.module';
import { ScoreModule } from '../../score/score.module';
import { ScoreSnapshotRepository } from '../../score/score-snapshot.repository';
import { RewardsModule } from '../rewards.module';
import { RewardsStoreModule } from '../rewards-store.module';
import { CheckpointStatusService } from './checkpoint-status.service';
import { CheckpointService } from './checkpoint.service';

/**
 * Reward checkpoints for an instance with the score role: the `reward-checkpoint` job and the
 * status moves. Needs what ScoreModule and LeaderboardModule need (COMPETITION, Clock,
 * DataSource, GROUND_TRUTH).
 */
@Module({
  imports: [RewardsModule, RewardsStoreModule, ScoreModule, LeaderboardModule, PredictionStoreModule],
  providers: [ScoreSnapshotRepository, CheckpointService, CheckpointStatusService],
  exports: [CheckpointService, CheckpointStatusService],
})
export class CheckpointsModule {}
