import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { PredictionRoundRepository } from '../predict/round/prediction-round.repository';
import { RecurringJob } from '../clock/recurring-job.decorator';
import { AdvisoryLockName, advisoryLockKey, withAdvisoryLock } from './advisory-lock';
import { ScoreSnapshotRepository } from './score-snapshot.repository';
import { ScoreWindowRepository } from './score-window.repository';
import { WindowBuckets } from './window-buckets';

const DAY_MS = 86_400_000;
const RETENTION_JOB = 'score-retention';

export interface PruneResult {
  predictions: number;
  snapshots: number;
  buckets: number;
  /** Prediction rounds left without predictions. */
  rounds: number;
}

/**
 * Retention of scoring data, hourly and under an advisory lock: predictions scored more than
 * `retention.predictionsDays` ago, snapshots older than `retention.snapshotsDays`, and score
 * buckets older than the longest window (its first bucket is kept). Leaderboards are pruned by
 * the leaderboard itself. The cycles' Merkle roots (score_commitments) are never pruned: a published
 * root stays checkable after the snapshots it was built from are gone.
 *
 * @example
 *   await retention.prune(); // { predictions: 1200, snapshots: 3400, buckets: 96, rounds: 40 }
 */
@Injectable()
export class ScoreRetentionService {
  static readonly JOB_NAME = RETENTION_JOB;
  private readonly logger = new Logger(ScoreRetentionService.name);
  private readonly buckets: WindowBuckets;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly predictions: PredictionRoundRepository,
    private readonly snapshots: ScoreSnapshotRepository,
    private readonly windows: ScoreWindowRepository,
  ) {
    this.buckets = new WindowBuckets(competition.scoring.windows);
  }

  /** Prunes under the advisory lock (hourly, 30 s past the hour, with the score role); null when another instance is pruning. */
  @RecurringJob({ name: RETENTION_JOB, roles: ['score'], everyMs: () => 3_600_000, offsetMs: () => 30_000 })
  async runPrune(): Promise<PruneResult | null> {
    const run = await withAdvisoryLock(this.dataSource, advisoryLockKey(AdvisoryLockName.ScoreRetention, this.competition.id), () => this.prune());
    return run.acquired ? run.result : null;
  }

  async prune(): Promise<PruneResult> {
    const nowMs = this.clock.nowMs();
    const { retention } = this.competition;
    const predictionsCutoff = new Date(nowMs - retention.predictionsDays * DAY_MS);
    const result: PruneResult = {
      predictions: await this.predictions.prunePredictionsScoredBefore(predictionsCutoff),
      snapshots: await this.snapshots.pruneBefore(new Date(nowMs - retention.snapshotsDays * DAY_MS)),
      buckets: await this.windows.pruneBucketsBefore(new Date(this.buckets.windowStartMs(nowMs, this.buckets.longestWindowSeconds()))),
      rounds: await this.predictions.pruneEmptyRoundsBefore(predictionsCutoff),
    };
    if (result.predictions + result.snapshots + result.buckets + result.rounds > 0) this.logger.log(`pruned ${JSON.stringify(result)}`);
    return result;
  }
}
