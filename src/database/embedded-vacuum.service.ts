import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RecurringJob } from '../clock/recurring-job.decorator';
import { ROLES } from '../config/app-config';

const VACUUM_JOB = 'embedded-vacuum';
/**
 * PostgreSQL's own autovacuum defaults (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor):
 * a table is vacuumed once its dead rows pass 50 plus a fifth of its live ones.
 */
export const DEAD_ROWS_THRESHOLD = 50;
export const DEAD_ROWS_SCALE_FACTOR = 0.2;

/** One table a run vacuumed: its dead rows as the statistics counted them, and the wall time the VACUUM held the session. */
export interface VacuumedTable {
  table: string;
  deadRows: number;
  ms: number;
}

/**
 * The autovacuum the embedded engine lacks. PGlite runs PostgreSQL as a single-user backend: no
 * autovacuum launcher, so nothing ever vacuums its tables. Deleted rows are then never taken out
 * of the indexes, and an index on an ever-growing key (the unscored queue's `resolvable_at`) only
 * grows: its emptied pages are reclaimed by VACUUM alone, and a scan from the oldest due entry
 * walks every page of history. Hourly, this job vacuums each table whose dead rows pass
 * autovacuum's own threshold (the queue, score buckets, rounds, the window version; leaderboards
 * and feed records after their retention), one table per statement so the shared session is held
 * for one table at a time. A VACUUM cannot run inside a transaction; on the embedded session a
 * statement outside any transaction waits until no other connection's transaction is open
 * (PGliteSessionQueue), so it never lands inside one. It does not ANALYZE: planner statistics
 * gathered on these small, fast-changing tables made the replay's scoring cycles slower (13.7 to
 * 17.2 ms each, `bench/replay.ts 1 10`), and a VACUUM already refreshes each table's size estimate.
 *
 * Provided only when the database is embedded (AppModule): a PostgreSQL server runs its own autovacuum.
 *
 * @example
 *   await vacuum.run(); // [{ table: 'public.prediction_unscored', deadRows: 4340, ms: 9.8 }]
 */
@Injectable()
export class EmbeddedVacuumService {
  static readonly JOB_NAME = VACUUM_JOB;
  private readonly logger = new Logger(EmbeddedVacuumService.name);

  constructor(private readonly dataSource: DataSource) {}

  /** Hourly, 50 s past the hour (after the retention jobs at 30 s and 45 s, which leave dead rows). */
  @RecurringJob({ name: VACUUM_JOB, roles: ROLES, everyMs: () => 3_600_000, offsetMs: () => 50_000 })
  async run(): Promise<VacuumedTable[]> {
    const vacuumed: VacuumedTable[] = [];
    for (const { table, deadRows } of await this.tablesDue()) {
      const started = performance.now();
      try {
        // The name is the catalogue's, quoted by format('%I.%I'): VACUUM takes no parameters.
        await this.dataSource.query(`VACUUM ${table}`);
      } catch (err) {
        this.logger.warn(`VACUUM ${table} failed: ${(err as Error).message}`);
        continue;
      }
      vacuumed.push({ table, deadRows, ms: performance.now() - started });
    }
    if (vacuumed.length > 0) this.logger.log(`vacuumed ${vacuumed.map((v) => `${v.table} (${v.deadRows} dead rows, ${v.ms.toFixed(0)} ms)`).join(', ')}`);
    return vacuumed;
  }

  /** The tables past the dead-row threshold, most dead rows first (partitions are tables of their own here). */
  async tablesDue(): Promise<Array<{ table: string; deadRows: number }>> {
    // The session sends its pending counts to the statistics about a second (wall clock) after a
    // change; this makes the next statement see them all.
    await this.dataSource.query('SELECT pg_stat_force_next_flush()');
    const rows: Array<{ table: string; dead_rows: number }> = await this.dataSource.query(
      `SELECT format('%I.%I', schemaname, relname) AS table, n_dead_tup::int AS dead_rows
         FROM pg_stat_user_tables
        WHERE n_dead_tup > $1::int + $2::float8 * n_live_tup
        ORDER BY n_dead_tup DESC, relname`,
      [DEAD_ROWS_THRESHOLD, DEAD_ROWS_SCALE_FACTOR],
    );
    return rows.map((r) => ({ table: r.table, deadRows: r.dead_rows }));
  }
}
