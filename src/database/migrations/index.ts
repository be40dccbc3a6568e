import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { ScoreCoverage1764000002000 } from './1764000002000-ScoreCoverage';
import { PredictionPayloadAsJson1764000003000 } from './1764000003000-PredictionPayloadAsJson';
import { RewardCheckpoints1764000005000 } from './1764000005000-RewardCheckpoints';
import { ReportLayouts1764000014000 } from './1764000014000-ReportLayouts';
import { AdminActions1764000020000 } from './1764000020000-AdminActions';
import { ModelAdminFlags1764000021000 } from './1764000021000-ModelAdminFlags';
import { RoundVoidAndAdminJobs1764000022000 } from './1764000022000-RoundVoidAndAdminJobs';
import { PredictionsPartitionedByTime1764000023000 } from './1764000023000-PredictionsPartitionedByTime';
import { PredictionPayloadCompact1764000024000 } from './1764000024000-PredictionPayloadCompact';
import { TournamentRounds1764000025000 } from './1764000025000-TournamentRounds';
import { ScoreBucketsFillfactor1764000026000 } from './1764000026000-ScoreBucketsFillfactor';
import { ScoreWindowVersion1764000027000 } from './1764000027000-ScoreWindowVersion';
import { PredictionScoresApart1764000028000 } from './1764000028000-PredictionScoresApart';
import { ScoreSnapshotsPartitionedByTime1764000029000 } from './1764000029000-ScoreSnapshotsPartitionedByTime';

/** Every migration, in order. A new migration is a new file here plus one line in this list. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  ScoreCoverage1764000002000,
  PredictionPayloadAsJson1764000003000,
  RewardCheckpoints1764000005000,
  ReportLayouts1764000014000,
  AdminActions1764000020000,
  ModelAdminFlags1764000021000,
  RoundVoidAndAdminJobs1764000022000,
  PredictionsPartitionedByTime1764000023000,
  PredictionPayloadCompact1764000024000,
  TournamentRounds1764000025000,
  ScoreBucketsFillfactor1764000026000,
  ScoreWindowVersion1764000027000,
  PredictionScoresApart1764000028000,
  ScoreSnapshotsPartitionedByTime1764000029000,
];
