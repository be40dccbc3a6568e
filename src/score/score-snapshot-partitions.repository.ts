import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { attachFilledPartition, missingRanges, partitionDays, quotedIdentifier, RangePartition, rangePartitionName, rangePartitions } from '../database/range-partitions';
/** The partition that takes every snapshot no dated partition covers, so no cycle's insert ever fails. */
export const DEFAULT_SNAPSHOTS_PARTITION = 'score_snapshots_default';
/** How long retention waits for a lock on `score_snapshots` before leaving the work to its next run. */
const LOCK_TIMEOUT = '5s';

/** A dated partition of `score_snapshots`: `performed_at` in [fromMs, toMs). */
export type SnapshotPartition = RangePartition;

/**
 * Days per partition for a retention of `snapshotsDays`: at most about 30 partitions whatever the
 * retention (1 day for the reference 10, so 10 to 14 of them; 13 days for a year), so a read that
 * names no `performed_at` probes few, and what retention keeps beyond `snapshotsDays` (the rest of
 * the partition straddling the cutoff) is at most one period.
 *
 * @example
 *   snapshotPartitionDays(10);  // 1
 *   snapshotPartitionDays(365); // 13
 */
export function snapshotPartitionDays(snapshotsDays: number): number {
  return partitionDays(snapshotsDays);
}

/** `score_snapshots_p20261201_20261202`: the UTC days a partition covers, readable in `\d+ score_snapshots`. */
export function snapshotPartitionName(fromMs: number, toMs: number): string {
  return rangePartitionName('score_snapshots', fromMs, toMs);
}

/**
 * The partitions of `score_snapshots` (declarative RANGE partitioning on `performed_at`, on
 * PostgreSQL and on embedded PGlite alike): the only DDL on them. Shaped like
 * PredictionPartitionRepository, without its scoring checks: a snapshot never changes after its
 * cycle wrote it, so a partition whose range ended before the cutoff holds only expired rows and
 * is dropped whole. Retention creates partitions ahead, drops the expired ones, and deletes row by
 * row only in the default partition.
 *
 * @example
 *   await partitions.createAhead(Date.now(), 1, 3); // today and the next 3 days
 *   const dropped = await partitions.drop(oldest);  // the rows it held
 */
@Injectable()
export class ScoreSnapshotPartitionRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The dated partitions, by `fromMs`; null when `score_snapshots` is not partitioned (migrations reverted). */
  partitions(): Promise<SnapshotPartition[] | null> {
    return rangePartitions(this.dataSource, 'score_snapshots');
  }

  /**
   * Makes sure partitions cover the period holding `nowMs` and the `periods` after it, filling
   * only the gaps (`missingRanges`). Returns the partitions created, each with the rows it took
   * from the default partition.
   */
  async createAhead(nowMs: number, periodDays: number, periods: number): Promise<Array<SnapshotPartition & { moved: number }>> {
    const existing = await this.partitions();
    if (existing === null) return [];
    const created: Array<SnapshotPartition & { moved: number }> = [];
    for (const [fromMs, toMs] of missingRanges(existing, nowMs, periodDays, periods)) created.push(await this.create(fromMs, toMs));
    return created;
  }

  /**
   * Creates the partition [fromMs, toMs), moving into it the snapshots the default partition holds
   * for that range (PostgreSQL refuses the partition otherwise). Filled first and attached after
   * (a lighter lock on `score_snapshots` than CREATE ... PARTITION OF, so the cycles' inserts and
   * the report's reads go on), with the default partition locked first so no row lands there for
   * that range in between.
   */
  async create(fromMs: number, toMs: number): Promise<SnapshotPartition & { moved: number }> {
    if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs)) throw new Error(`invalid snapshot partition range [${fromMs}, ${toMs})`);
    const name = snapshotPartitionName(fromMs, toMs);
    const moved = await this.dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await em.query(`LOCK TABLE ${DEFAULT_SNAPSHOTS_PARTITION} IN ACCESS EXCLUSIVE MODE`);
      return attachFilledPartition(em, 'score_snapshots', DEFAULT_SNAPSHOTS_PARTITION, name, fromMs, toMs);
    });
    return { name, fromMs, toMs, moved };
  }

  /**
   * Drops the partition and returns how many snapshots it held. The caller drops only partitions
   * whose range ended before the cutoff: every row in one is expired, whenever it was written. The
   * rows are counted before the lock (a scan of the heap, not of the TOASTed `params`), so the
   * cycles' inserts wait only for the DROP itself; a snapshot written into that old range in
   * between (only a history recompute writes there) goes uncounted with the rest.
   */
  async drop(partition: SnapshotPartition): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM ${quotedIdentifier(partition.name)}`);
    await this.dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await em.query(`DROP TABLE ${quotedIdentifier(partition.name)}`);
    });
    return n;
  }

  /**
   * Deletes, in bounded batches, the snapshots of one relation (the default partition) performed
   * before `cutoff`. Returns the rows deleted. (By `ctid`: one relation's row addresses, so a
   * partition, not the partitioned parent.)
   */
  async pruneBefore(relation: string, cutoff: Date, batch = 10_000): Promise<number> {
    const table = quotedIdentifier(relation);
    let total = 0;
    for (;;) {
      const result: unknown = await this.dataSource.query(
        `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE performed_at < $1 LIMIT $2))`,
        [cutoff, batch],
      );
      const deleted = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
      total += deleted;
      if (deleted < batch) return total;
    }
  }
}
