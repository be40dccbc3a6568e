import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { periodStartMs } from '../predict/round/prediction-partitions.repository';

const DAY_MS = 86_400_000;
/** The partition that takes every snapshot no dated partition covers, so no cycle's insert ever fails. */
export const DEFAULT_SNAPSHOTS_PARTITION = 'score_snapshots_default';
/** How long retention waits for a lock on `score_snapshots` before leaving the work to its next run. */
const LOCK_TIMEOUT = '5s';

/** A dated partition of `score_snapshots`: `performed_at` in [fromMs, toMs). */
export interface SnapshotPartition {
  name: string;
  fromMs: number;
  toMs: number;
}

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
  return Math.max(1, Math.ceil(snapshotsDays / 30));
}

/** `score_snapshots_p20261201_20261202`: the UTC days a partition covers, readable in `\d+ score_snapshots`. */
export function snapshotPartitionName(fromMs: number, toMs: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
  return `score_snapshots_p${day(fromMs)}_${day(toMs)}`;
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

  /**
   * The dated partitions, by `fromMs`; null when `score_snapshots` is not partitioned (migrations
   * reverted). Bounds are read back from the catalogue as PredictionPartitionRepository reads them.
   */
  async partitions(): Promise<SnapshotPartition[] | null> {
    const kind: Array<{ relkind: string }> = await this.dataSource.query(`SELECT relkind FROM pg_class WHERE oid = to_regclass('score_snapshots')`);
    if (kind[0]?.relkind !== 'p') return null;
    const rows: Array<{ name: string; from_at: Date | null; to_at: Date | null }> = await this.dataSource.query(
      `SELECT c.relname AS name, b.m[1]::timestamptz AS from_at, b.m[2]::timestamptz AS to_at
         FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         CROSS JOIN LATERAL (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') AS m) b
        WHERE i.inhparent = 'score_snapshots'::regclass
        ORDER BY 2`,
    );
    return rows
      .filter((r): r is { name: string; from_at: Date; to_at: Date } => r.from_at !== null && r.to_at !== null)
      .map((r) => ({ name: r.name, fromMs: r.from_at.getTime(), toMs: r.to_at.getTime() }));
  }

  /**
   * Makes sure partitions cover the period holding `nowMs` and the `periods` after it, filling
   * only the gaps (a partition made under another period length stays). Returns the partitions
   * created, each with the rows it took from the default partition.
   */
  async createAhead(nowMs: number, periodDays: number, periods: number): Promise<Array<SnapshotPartition & { moved: number }>> {
    const existing = await this.partitions();
    if (existing === null) return [];
    const period = periodDays * DAY_MS;
    const end = periodStartMs(nowMs, periodDays) + (periods + 1) * period;
    const created: Array<SnapshotPartition & { moved: number }> = [];
    for (let cursor = periodStartMs(nowMs, periodDays); cursor < end; ) {
      const covering = existing.find((p) => p.fromMs <= cursor && cursor < p.toMs);
      if (covering) {
        cursor = covering.toMs;
        continue;
      }
      const nextExisting = Math.min(...existing.filter((p) => p.fromMs > cursor).map((p) => p.fromMs));
      const toMs = Math.min(periodStartMs(cursor, periodDays) + period, nextExisting);
      created.push(await this.create(cursor, toMs));
      cursor = toMs;
    }
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
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const moved = await this.dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await em.query(`LOCK TABLE ${DEFAULT_SNAPSHOTS_PARTITION} IN ACCESS EXCLUSIVE MODE`);
      await em.query(`CREATE TABLE ${name} (LIKE score_snapshots INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      const [{ n }]: Array<{ n: number }> = await em.query(
        `WITH moved AS (DELETE FROM ${DEFAULT_SNAPSHOTS_PARTITION} WHERE performed_at >= $1 AND performed_at < $2 RETURNING *),
              copied AS (INSERT INTO ${name} SELECT * FROM moved RETURNING 1)
         SELECT count(*)::int AS n FROM copied`,
        [from, to],
      );
      await em.query(`ALTER TABLE score_snapshots ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
      return n;
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
    const [{ n }]: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM ${quoted(partition.name)}`);
    await this.dataSource.transaction(async (em) => {
      await em.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await em.query(`DROP TABLE ${quoted(partition.name)}`);
    });
    return n;
  }

  /**
   * Deletes, in bounded batches, the snapshots of one relation (the default partition) performed
   * before `cutoff`. Returns the rows deleted. (By `ctid`: one relation's row addresses, so a
   * partition, not the partitioned parent.)
   */
  async pruneBefore(relation: string, cutoff: Date, batch = 10_000): Promise<number> {
    const table = quoted(relation);
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

/** A relation name as an SQL identifier (names come from the catalogue, where an operator may have made any). */
function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
