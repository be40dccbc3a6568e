import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { DEFAULT_PREDICTIONS_PARTITION, PARTITION_PERIODS_AHEAD, PredictionPartitionRepository, predictionPartitionDays } from '../predict/round/prediction-partitions.repository';
import { PredictionRoundRepository } from '../predict/round/prediction-round.repository';
import { RecurringJob } from '../clock/recurring-job.decorator';
import { AdvisoryLockName, advisoryLockKey, withAdvisoryLock } from './advisory-lock';
import { DEFAULT_SNAPSHOTS_PARTITION, ScoreSnapshotPartitionRepository, snapshotPartitionDays } from './score-snapshot-partitions.repository';
import { ScoreSnapshotRepository } from './score-snapshot.repository';
import { ScoreWindowRepository } from './score-window.repository';
import { WindowBuckets } from './window-buckets';

const DAY_MS = 86_400_000;
const RETENTION_JOB = 'score-retention';
/** PostgreSQL's lock_not_available (lock_timeout): the partition work is left to the next run. */
const LOCK_NOT_AVAILABLE = '55P03';

export interface PruneResult {
  /** Predictions removed, whether deleted row by row or in a dropped partition. */
  predictions: number;
  /** Snapshots removed, whether deleted row by row or in a dropped partition. */
  snapshots: number;
  buckets: number;
  /** Prediction rounds left without predictions. */
  rounds: number;
}

/**
 * Retention of scoring data, hourly and under an advisory lock: predictions scored more than
 * `retention.predictionsDays` ago, snapshots older than `retention.snapshotsDays` (a whole
 * partition at a time, below), and score
 * buckets older than the longest window (its first bucket is kept). Leaderboards are pruned by
 * the leaderboard itself.
 *
 * `predictions` is partitioned by `performed_at` (PredictionPartitionRepository), in periods of
 * predictionPartitionDays(predictionsDays) days (1 for the reference 30). Each run creates the
 * current period's partition and the next PARTITION_PERIODS_AHEAD, and drops each partition older
 * than the cutoff whose rows were all scored before it. Predictions are pruned at that
 * granularity: a row stays until the last row of its partition is past retention (about one
 * period longer at most), because deleting the expired rows of the partition straddling the cutoff
 * every hour would delete them all row by row before the partition could be dropped. Row by row,
 * as before, only where dropping cannot work: the default partition (rows no dated partition
 * covered when written), and a partition still held, a period plus the longest horizon plus
 * `scoring.maxWaitSeconds` after its end, by unscored or late-scored rows (its rows scored before
 * the cutoff go, the others wait). Unscored predictions are never pruned.
 *
 * `score_snapshots` is partitioned the same way (ScoreSnapshotPartitionRepository), in periods of
 * snapshotPartitionDays(snapshotsDays) days (1 for the default 10), created ahead likewise. A
 * snapshot never changes after its cycle, so every partition whose period ended before the cutoff
 * is dropped whole, and a partition straddling the cutoff is left alone: its expired snapshots
 * wait until the whole partition can go, so snapshots are kept up to one period (a day) longer
 * than `snapshotsDays` (deleting them hourly instead took 972 ms a run at 100 models on
 * PostgreSQL). Row by row only in the default partition (snapshots no dated partition covered
 * when written). The cycles' Merkle roots (score_commitments) are never pruned: a published root
 * stays checkable after the snapshots it was built from are gone.
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
    private readonly partitions: PredictionPartitionRepository,
    private readonly snapshots: ScoreSnapshotRepository,
    private readonly snapshotPartitions: ScoreSnapshotPartitionRepository,
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
      predictions: await this.prunePredictions(nowMs, predictionsCutoff),
      snapshots: await this.pruneSnapshots(nowMs, new Date(nowMs - retention.snapshotsDays * DAY_MS)),
      buckets: await this.windows.pruneBucketsBefore(new Date(this.buckets.windowStartMs(nowMs, this.buckets.longestWindowSeconds()))),
      rounds: await this.predictions.pruneEmptyRoundsBefore(predictionsCutoff),
    };
    if (result.predictions + result.snapshots + result.buckets + result.rounds > 0) this.logger.log(`pruned ${JSON.stringify(result)}`);
    return result;
  }

  /** Creates partitions ahead, drops the expired ones and prunes row by row where none can be dropped; returns the predictions removed. */
  private async prunePredictions(nowMs: number, cutoff: Date): Promise<number> {
    const partitions = await this.partitions.partitions();
    if (partitions === null) return this.predictions.prunePredictionsScoredBefore(cutoff);
    const periodDays = predictionPartitionDays(this.competition.retention.predictionsDays);
    await this.unlessLocked('creating partitions ahead', () => this.partitions.createAhead(nowMs, periodDays, PARTITION_PERIODS_AHEAD));
    const staleBeforeMs = cutoff.getTime() - this.stragglerGraceMs(periodDays);
    let pruned = 0;
    for (const partition of partitions) {
      if (partition.toMs > cutoff.getTime()) break; // by range, oldest first: the rest are younger
      const dropped = await this.unlessLocked(`dropping ${partition.name}`, () => this.partitions.dropIfScoredBefore(partition, cutoff));
      if (dropped === undefined) break; // lock not granted: a long read holds the table; the rest waits for the next run too
      if (dropped !== null) {
        pruned += dropped;
        this.logger.log(`dropped partition ${partition.name} (${dropped} predictions, all scored before ${cutoff.toISOString()})`);
      } else if (partition.toMs <= staleBeforeMs) {
        pruned += await this.partitions.pruneScoredBefore(partition.name, cutoff);
      }
    }
    return pruned + (await this.partitions.pruneScoredBefore(DEFAULT_PREDICTIONS_PARTITION, cutoff));
  }

  /** Creates snapshot partitions ahead, drops the expired ones and prunes the default partition row by row; returns the snapshots removed. */
  private async pruneSnapshots(nowMs: number, cutoff: Date): Promise<number> {
    const partitions = await this.snapshotPartitions.partitions();
    if (partitions === null) return this.snapshots.pruneBefore(cutoff);
    const periodDays = snapshotPartitionDays(this.competition.retention.snapshotsDays);
    await this.unlessLocked('creating snapshot partitions ahead', () => this.snapshotPartitions.createAhead(nowMs, periodDays, PARTITION_PERIODS_AHEAD));
    let pruned = 0;
    for (const partition of partitions) {
      if (partition.toMs > cutoff.getTime()) break; // by range, oldest first: the rest are younger
      const dropped = await this.unlessLocked(`dropping ${partition.name}`, () => this.snapshotPartitions.drop(partition));
      if (dropped === undefined) break; // lock not granted: the rest waits for the next run too
      pruned += dropped;
      this.logger.log(`dropped partition ${partition.name} (${dropped} snapshots, all performed before ${cutoff.toISOString()})`);
    }
    return pruned + (await this.snapshotPartitions.pruneBefore(DEFAULT_SNAPSHOTS_PARTITION, cutoff));
  }

  /**
   * How long after a partition's end its rows may still be waiting to be scored in a healthy
   * pipeline: the longest horizon, the scoring's wait for truth, and a period of slack.
   */
  private stragglerGraceMs(periodDays: number): number {
    const longestHorizonS = Math.max(0, ...this.competition.predictions.map((p) => p.horizon));
    return periodDays * DAY_MS + (longestHorizonS + this.competition.scoring.maxWaitSeconds) * 1000;
  }

  /** Runs partition DDL; a lock not granted within the lock timeout is logged and left to the next run. */
  private async unlessLocked<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
      this.logger.warn(`retention: ${what} waited too long for a lock; left to the next run`);
      return undefined;
    }
  }
}
