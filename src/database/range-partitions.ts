import type { EntityManager } from 'typeorm';

const DAY_MS = 86_400_000;

/** A dated partition of a table partitioned by RANGE of `performed_at`: rows in [fromMs, toMs). */
export interface RangePartition {
  name: string;
  fromMs: number;
  toMs: number;
}

/** Anything with TypeORM's `query` (a DataSource, an EntityManager). */
type Queryable = Pick<EntityManager, 'query'>;

/**
 * Days per partition for a retention of `retentionDays`: at most about 30 partitions whatever the
 * retention (1 day up to 30 days, 13 for a year), so a lookup that cannot be pruned to one
 * partition probes few, and a whole partition is at most a thirtieth of what retention keeps.
 *
 * @example
 *   partitionDays(30);  // 1
 *   partitionDays(365); // 13
 */
export function partitionDays(retentionDays: number): number {
  return Math.max(1, Math.ceil(retentionDays / 30));
}

/** `<prefix>_p20261201_20261202`: the UTC days a partition covers, readable in `\d+`. */
export function rangePartitionName(prefix: string, fromMs: number, toMs: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
  return `${prefix}_p${day(fromMs)}_${day(toMs)}`;
}

/** The start of the period holding `ms`, periods being `periodDays` long from the epoch (UTC midnights). */
export function periodStartMs(ms: number, periodDays: number): number {
  const period = periodDays * DAY_MS;
  return Math.floor(ms / period) * period;
}

/** A relation name as an SQL identifier (names come from the catalogue, where an operator may have made any). */
export function quotedIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The dated partitions of `parent`, by `fromMs`; null when it is not partitioned. Bounds are read
 * back from the catalogue (`pg_get_expr` prints them in the session's time zone, and the cast
 * reads them back in the same one); the default partition has none and is left out.
 */
export async function rangePartitions(db: Queryable, parent: string): Promise<RangePartition[] | null> {
  const kind: Array<{ relkind: string }> = await db.query(`SELECT relkind FROM pg_class WHERE oid = to_regclass($1)`, [parent]);
  if (kind[0]?.relkind !== 'p') return null;
  const rows: Array<{ name: string; from_at: Date | null; to_at: Date | null }> = await db.query(
    `SELECT c.relname AS name, b.m[1]::timestamptz AS from_at, b.m[2]::timestamptz AS to_at
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       CROSS JOIN LATERAL (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') AS m) b
      WHERE i.inhparent = $1::regclass
      ORDER BY 2`,
    [parent],
  );
  return rows
    .filter((r): r is { name: string; from_at: Date; to_at: Date } => r.from_at !== null && r.to_at !== null)
    .map((r) => ({ name: r.name, fromMs: r.from_at.getTime(), toMs: r.to_at.getTime() }));
}

/**
 * The ranges to create so that partitions cover the period holding `nowMs` and the `periods`
 * after it. Ranges an existing partition covers are left as they are (a partition made under
 * another period length stays), so the new ones only fill gaps, each ending at its period's end
 * or at the next existing partition.
 *
 * @example
 *   missingRanges([], Date.UTC(2026, 0, 1, 5), 1, 1); // [[Jan 1, Jan 2), [Jan 2, Jan 3)]
 */
export function missingRanges(existing: readonly RangePartition[], nowMs: number, periodDays: number, periods: number): Array<[number, number]> {
  const period = periodDays * DAY_MS;
  const start = periodStartMs(nowMs, periodDays);
  const end = start + (periods + 1) * period;
  const missing: Array<[number, number]> = [];
  for (let cursor = start; cursor < end; ) {
    const covering = existing.find((p) => p.fromMs <= cursor && cursor < p.toMs);
    if (covering) {
      cursor = covering.toMs;
      continue;
    }
    const nextExisting = Math.min(...existing.filter((p) => p.fromMs > cursor).map((p) => p.fromMs));
    const toMs = Math.min(periodStartMs(cursor, periodDays) + period, nextExisting);
    missing.push([cursor, toMs]);
    cursor = toMs;
  }
  return missing;
}

/**
 * Inside the caller's transaction, which holds the default partition locked: creates `name` like
 * `parent`, moves into it the rows the default partition holds for [fromMs, toMs) (PostgreSQL
 * refuses a partition whose range the default partition has rows of), and attaches it. Filled
 * first and attached after: ATTACH takes a lighter lock on the parent than CREATE ... PARTITION
 * OF, so writes and reads go on. Returns the rows moved.
 */
export async function attachFilledPartition(em: EntityManager, parent: string, defaultPartition: string, name: string, fromMs: number, toMs: number): Promise<number> {
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  await em.query(`CREATE TABLE ${name} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  const [{ n }]: Array<{ n: number }> = await em.query(
    `WITH moved AS (DELETE FROM ${defaultPartition} WHERE performed_at >= $1 AND performed_at < $2 RETURNING *),
          copied AS (INSERT INTO ${name} SELECT * FROM moved RETURNING 1)
     SELECT count(*)::int AS n FROM copied`,
    [from, to],
  );
  await em.query(`ALTER TABLE ${parent} ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
  return n;
}
