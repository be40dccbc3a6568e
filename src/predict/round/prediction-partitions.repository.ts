import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { attachFilledPartition, missingRanges, partitionDays, quotedIdentifier, RangePartition, rangePartitionName, rangePartitions } from '../../database/range-partitions';

export { periodStartMs, quotedIdentifier } from '../../database/range-partitions';

/** The partition that takes every prediction no dated partition covers, so no insert ever fails. */
export const DEFAULT_PREDICTIONS_PARTITION = 'predictions_default';
/** The partition of `prediction_scores` matching `predictions_default`. */
export const DEFAULT_SCORES_PARTITION = 'prediction_scores_default';
/** Periods kept ready past the current one: three days of slack at the reference retention if retention stops running. */
export const PARTITION_PERIODS_AHEAD = 3;
/** How long retention waits for a lock on `predictions` before leaving the work to its next run. */
const LOCK_TIMEOUT = '5s';

/** A dated partition of `predictions`: `performed_at` in [fromMs, toMs). */
export type PredictionPartition = RangePartition;

/**
 * Days per partition for a retention of `predictionsDays`: about 30 partitions whatever the
 * retention (1 day for the reference 30 days, 13 for a year), so a query that cannot be pruned to
 * one partition (by round or by id) probes ~35 of them, and a whole partition is at most a
 * thirtieth of what retention keeps.
 *
 * @example
 *   predictionPartitionDays(30);  // 1
 *   predictionPartitionDays(365); // 13
 */
export function predictionPartitionDays(predictionsDays: number): number {
  return partitionDays(predictionsDays);
}

/** `predictions_p20261201_20261202`: the UTC days a partition covers, readable in `\d+ predictions`. */
export function predictionPartitionName(fromMs: number, toMs: number): string {
  return rangePartitionName('predictions', fromMs, toMs);
}

/**
 * The `prediction_scores` partition holding the scores of a `predictions` partition (same bounds):
 * `prediction_scores_p20261201_20261202` for `predictions_p20261201_20261202`.
 */
export function scoresPartitionName(predictionsPartition: string): string {
  return `prediction_scores_${predictionsPartition.replace(/^predictions_/, '')}`;
}

/**
 * The partitions of `predictions` and of `prediction_scores` (declarative RANGE partitioning on
 * `performed_at`, on PostgreSQL and on embedded PGlite alike, the same bounds in both tables): the
 * only DDL on them. Retention creates partitions ahead, moves rows the default partition holds for
 * a new partition's range into it, drops whole partitions once every row in them is past
 * retention, and deletes row-wise where it cannot drop.
 *
 * @example
 *   const created = await partitions.createAhead(Date.now(), 1, 3); // today and the next 3 days
 *   const dropped = await partitions.dropIfScoredBefore(oldest, cutoff); // rows dropped, or null when kept
 */
@Injectable()
export class PredictionPartitionRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The dated partitions of `predictions` (or of its scores' table), by `fromMs`; null when it is not partitioned. */
  partitions(parent: 'predictions' | 'prediction_scores' = 'predictions'): Promise<PredictionPartition[] | null> {
    return rangePartitions(this.dataSource, parent);
  }

  /**
   * Makes sure partitions cover the period holding `nowMs` and the `periods` after it, filling
   * only the gaps (`missingRanges`). Returns the partitions created, each with the rows it took
   * from the default partition.
   */
  async createAhead(nowMs: number, periodDays: number, periods: number): Promise<Array<PredictionPartition & { moved: number }>> {
    const existing = await this.partitions();
    if (existing === null) return [];
    const created: Array<PredictionPartition & { moved: number }> = [];
    for (const [fromMs, toMs] of missingRanges(existing, nowMs, periodDays, periods)) created.push(await this.create(fromMs, toMs));
    return created;
  }

  /**
   * Creates the partition [fromMs, toMs) of `predictions` and its twin of `prediction_scores`,
   * moving into each the rows its default partition holds for that range (PostgreSQL refuses a
   * partition whose range the default partition has rows of). Each table is filled first and
   * attached after (ATTACH takes a lighter lock on the parent than CREATE ... PARTITION OF, so
   * inserts and scoring go on); the default partitions are locked first, so no row can land there
   * for that range in between. A scores partition of that range left behind (its predictions'
   * partition dropped by hand) is kept as it is. Returns the predictions moved.
   */
  async create(fromMs: number, toMs: number): Promise<PredictionPartition & { moved: number }> {
    if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs)) throw new Error(`invalid partition range [${fromMs}, ${toMs})`);
    const name = predictionPartitionName(fromMs, toMs);
    const scores = await this.partitions('prediction_scores');
    const withScores = scores !== null && !scores.some((p) => p.fromMs === fromMs && p.toMs === toMs);
    const moved = await this.dataSource.transaction(async (em) => {
      await this.lockTimeout(em);
      await em.query(`LOCK TABLE ${DEFAULT_PREDICTIONS_PARTITION} IN ACCESS EXCLUSIVE MODE`);
      if (withScores) await em.query(`LOCK TABLE ${DEFAULT_SCORES_PARTITION} IN ACCESS EXCLUSIVE MODE`);
      const n = await attachFilledPartition(em, 'predictions', DEFAULT_PREDICTIONS_PARTITION, name, fromMs, toMs);
      if (withScores) await attachFilledPartition(em, 'prediction_scores', DEFAULT_SCORES_PARTITION, scoresPartitionName(name), fromMs, toMs);
      return n;
    });
    return { name, fromMs, toMs, moved };
  }

  /**
   * Drops the partition, with its scores' partition, when every prediction in it was scored before
   * `cutoff` (an unscored one, or one scored since, keeps it), and returns how many rows it held;
   * null when it is kept. The rows are counted before the lock (a seq scan of the heap, not of the
   * TOAST where the payloads are); the check is repeated under the lock that DROP takes anyway, so
   * no row written meanwhile is lost. Scores of the range stored elsewhere (a scores partition of
   * other bounds, or none) are deleted instead.
   */
  async dropIfScoredBefore(partition: PredictionPartition, cutoff: Date): Promise<number | null> {
    if (!(await this.allScoredBefore(this.dataSource.manager, partition, cutoff))) return null;
    const [{ n }]: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM ${quotedIdentifier(partition.name)}`);
    const twin = (await this.partitions('prediction_scores'))?.find((p) => p.fromMs === partition.fromMs && p.toMs === partition.toMs);
    return this.dataSource.transaction(async (em) => {
      await this.lockTimeout(em);
      await em.query(`LOCK TABLE predictions IN ACCESS EXCLUSIVE MODE`);
      if (!(await this.allScoredBefore(em, partition, cutoff))) return null;
      if (twin) await em.query(`DROP TABLE ${quotedIdentifier(twin.name)}`);
      else await em.query(`DELETE FROM prediction_scores WHERE performed_at >= $1 AND performed_at < $2`, [new Date(partition.fromMs), new Date(partition.toMs)]);
      await em.query(`DROP TABLE ${quotedIdentifier(partition.name)}`);
      return n;
    });
  }

  /**
   * Deletes, in bounded batches, the predictions of one relation (a partition, or `predictions`
   * itself) scored before `cutoff`, with their scores; unscored predictions are never deleted.
   * Returns the predictions deleted. (By `ctid`: one relation's row addresses, hence a partition or
   * a plain table, not the partitioned parent. A partition's DELETE fires none of the parent's
   * triggers, so the scores are deleted here.)
   */
  async pruneScoredBefore(relation: string, cutoff: Date, batch = 10_000): Promise<number> {
    const table = quotedIdentifier(relation);
    let total = 0;
    for (;;) {
      const [{ n }]: Array<{ n: number }> = await this.dataSource.query(
        `WITH doomed AS MATERIALIZED (
           SELECT p.ctid AS row_at, s.prediction_id, s.performed_at
             FROM prediction_scores s JOIN ${table} p ON p.id = s.prediction_id AND p.performed_at = s.performed_at
            WHERE s.scored_at < $1 LIMIT $2),
         scores AS (DELETE FROM prediction_scores s USING doomed d WHERE s.prediction_id = d.prediction_id AND s.performed_at = d.performed_at),
         gone AS (DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT row_at FROM doomed)) RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [cutoff, batch],
      );
      total += n;
      if (n < batch) return total;
    }
  }

  /** A partition's predictions all scored before `cutoff`: none queued unscored, none of its scores at or after the cutoff. */
  private async allScoredBefore(em: EntityManager, partition: PredictionPartition, cutoff: Date): Promise<boolean> {
    const rows: Array<{ kept: boolean }> = await em.query(
      `SELECT EXISTS (SELECT 1 FROM prediction_unscored WHERE performed_at >= $1 AND performed_at < $2)
           OR EXISTS (SELECT 1 FROM prediction_scores WHERE performed_at >= $1 AND performed_at < $2 AND scored_at >= $3) AS kept`,
      [new Date(partition.fromMs), new Date(partition.toMs), cutoff],
    );
    return rows[0]?.kept === false;
  }

  private async lockTimeout(em: EntityManager): Promise<void> {
    await em.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
  }
}
