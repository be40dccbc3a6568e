import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ScoreWindowDefinition } from '../config/competition/competition.types';
import type { BucketIncrement } from './bucket-increments';
import type { WindowTotals } from './model-standing';
import type { WindowBuckets } from './window-buckets';
import type { WindowState, WindowVersionStep } from './window-totals-cache';

/**
 * A CTE `replaced` that replaces the window tables' version (migration 1764000027000) when the
 * CTEs `written` names (each with a RETURNING clause) wrote any row. Its condition makes them run
 * to completion first, so the version row is the last lock a writer takes. The statement reads the
 * step with `SELECT previous, version FROM replaced` (no row: nothing was written).
 */
function replaceVersion(written: readonly string[]): string {
  const rows = written.map((cte) => `(SELECT count(*) FROM ${cte})`).join(' + ');
  return `replaced AS (
         UPDATE score_window_version SET previous = version, version = gen_random_uuid()
          WHERE ${rows} > 0
          RETURNING previous::text AS previous, version::text AS version)`;
}

/** One `score_buckets` row's key. */
export type BucketKey = Pick<BucketIncrement, 'modelId' | 'param' | 'bucketStartMs'>;

/**
 * `score_buckets` and `score_coverage`: the only SQL on them. A cycle adds its scores to the
 * buckets inside its claim transaction; rolling windows are read from the buckets (never from
 * predictions), so the cost of a cycle is bounded by models x parameter sets x buckets of the
 * longest window, whatever the history; retention drops buckets older than the longest window.
 * Every write also replaces `score_window_version` in its transaction (see window-totals-cache.ts).
 */
@Injectable()
export class ScoreWindowRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Per model and parameter set, the sums of every window at `nowMs`. */
  async windowTotals(nowMs: number, windows: readonly ScoreWindowDefinition[], buckets: WindowBuckets, em: EntityManager = this.dataSource.manager): Promise<WindowTotals[]> {
    const starts = windows.map((w) => new Date(buckets.windowStartMs(nowMs, w.seconds)));
    const columns = windows
      .map((_, i) => {
        const within = `FILTER (WHERE bucket_start >= $${i + 3})`;
        return `coalesce(sum(score_sum) ${within}, 0) AS s${i}, coalesce(sum(score_count) ${within}, 0)::bigint AS c${i}, coalesce(sum(failed_count) ${within}, 0)::bigint AS f${i}`;
      })
      .join(',\n              ');
    const earliest = new Date(Math.min(...starts.map((d) => d.getTime())));
    // s<i>: float8 sum; c<i>, f<i>: bigint counts, which the driver returns as text.
    const rows: Array<{ model_id: string; param: string } & Record<string, number | string>> = await em.query(
      `SELECT model_id, param,
              ${columns}
         FROM score_buckets
        WHERE bucket_start >= $1 AND bucket_start <= $2
        GROUP BY model_id, param`,
      [earliest, new Date(nowMs), ...starts],
    );
    return rows.map((r) => ({
      modelId: r.model_id,
      param: r.param,
      totals: windows.map((_, i) => ({ sum: Number(r[`s${i}`]), count: Number(r[`c${i}`]), failed: Number(r[`f${i}`]) })),
    }));
  }

  /** The window tables' current version (migration 1764000027000). */
  async version(em: EntityManager = this.dataSource.manager): Promise<string> {
    const rows: Array<{ version: string }> = await em.query(`SELECT version::text AS version FROM score_window_version`);
    if (rows.length !== 1) throw new Error(`score_window_version holds ${rows.length} rows, not 1`);
    return rows[0].version;
  }

  /** Window totals at `nowMs`, first scored buckets and the version they are at, read in one snapshot. */
  async readState(nowMs: number, windows: readonly ScoreWindowDefinition[], buckets: WindowBuckets): Promise<WindowState> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const version = await this.version(em);
      const totals = await this.windowTotals(nowMs, windows, buckets, em);
      return { version, totals, coverage: await this.firstScoredBuckets(em) };
    });
  }

  /** First scored bucket per model and parameter set. */
  async firstScoredBuckets(em: EntityManager = this.dataSource.manager): Promise<Map<string, Map<string, number>>> {
    const rows: Array<{ model_id: string; param: string; first_bucket_start: Date }> = await em.query(
      `SELECT model_id, param, first_bucket_start FROM score_coverage`,
    );
    const byModel = new Map<string, Map<string, number>>();
    for (const r of rows) {
      const params = byModel.get(r.model_id) ?? new Map<string, number>();
      params.set(r.param, r.first_bucket_start.getTime());
      byModel.set(r.model_id, params);
    }
    return byModel;
  }

  /**
   * Adds a batch's increments to the window buckets and remembers the first bucket each model was
   * scored in, per parameter set (inside the cycle's claim transaction). One statement for both
   * tables: the increments are sent and parsed once. Coverage rows already as early are left out
   * before ON CONFLICT, which would lock (write) every conflicting row even when it changes nothing,
   * and after a model's first cycle nearly every row is one. Returns the version step of the
   * write (null when nothing was written).
   */
  async addIncrements(em: EntityManager, increments: readonly BucketIncrement[]): Promise<WindowVersionStep | null> {
    if (increments.length === 0) return null;
    const rows: WindowVersionStep[] = await em.query(
      `WITH increments AS MATERIALIZED (
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::int[], $6::int[])
             AS u(model_id, param, bucket_start, score_sum, score_count, failed_count)),
       added AS (
         INSERT INTO score_buckets (model_id, param, bucket_start, score_sum, score_count, failed_count)
         SELECT * FROM increments
         ON CONFLICT (model_id, param, bucket_start) DO UPDATE
           SET score_sum = score_buckets.score_sum + EXCLUDED.score_sum,
               score_count = score_buckets.score_count + EXCLUDED.score_count,
               failed_count = score_buckets.failed_count + EXCLUDED.failed_count
         RETURNING 1),
       covered AS (
         INSERT INTO score_coverage (model_id, param, first_bucket_start)
         SELECT f.model_id, f.param, f.first_bucket_start
           FROM (SELECT model_id, param, min(bucket_start) AS first_bucket_start FROM increments GROUP BY model_id, param) AS f
          WHERE NOT EXISTS (SELECT 1 FROM score_coverage c WHERE c.model_id = f.model_id AND c.param = f.param AND c.first_bucket_start <= f.first_bucket_start)
         ON CONFLICT (model_id, param) DO UPDATE
           SET first_bucket_start = EXCLUDED.first_bucket_start
           WHERE EXCLUDED.first_bucket_start < score_coverage.first_bucket_start
         RETURNING 1),
       ${replaceVersion(['added', 'covered'])}
       SELECT previous, version FROM replaced`,
      [
        increments.map((i) => i.modelId),
        increments.map((i) => i.param),
        increments.map((i) => new Date(i.bucketStartMs)),
        increments.map((i) => i.scoreSum),
        increments.map((i) => i.scoreCount),
        increments.map((i) => i.failedCount),
      ],
    );
    return rows[0] ?? null;
  }

  /**
   * Adds signed corrections (a void's subtraction, a rescore's new-minus-old) to the buckets that
   * exist; a bucket already pruned is outside every window and stays gone. A bucket left with
   * nothing counted is deleted, as if its predictions never happened. Returns the deleted ones.
   */
  async correctBuckets(em: EntityManager, corrections: readonly BucketIncrement[]): Promise<BucketKey[]> {
    if (corrections.length === 0) return [];
    const rows: Array<{ model_id: string; param: string; bucket_start: Date }> = await em.query(
      `WITH corrected AS (
         UPDATE score_buckets b
            SET score_sum = b.score_sum + c.score_sum, score_count = b.score_count + c.score_count, failed_count = b.failed_count + c.failed_count
           FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::int[], $6::int[]) AS c(model_id, param, bucket_start, score_sum, score_count, failed_count)
          WHERE b.model_id = c.model_id AND b.param = c.param AND b.bucket_start = c.bucket_start
          RETURNING b.model_id, b.param, b.bucket_start, b.score_count, b.failed_count),
       ${replaceVersion(['corrected'])}
       SELECT model_id, param, bucket_start FROM corrected WHERE score_count <= 0 AND failed_count <= 0`,
      [
        corrections.map((i) => i.modelId),
        corrections.map((i) => i.param),
        corrections.map((i) => new Date(i.bucketStartMs)),
        corrections.map((i) => i.scoreSum),
        corrections.map((i) => i.scoreCount),
        corrections.map((i) => i.failedCount),
      ],
    );
    const emptied = rows.map((r) => ({ modelId: r.model_id, param: r.param, bucketStartMs: r.bucket_start.getTime() }));
    if (emptied.length > 0) {
      await em.query(
        `WITH deleted AS (
           DELETE FROM score_buckets b USING unnest($1::text[], $2::text[], $3::timestamptz[]) AS e(model_id, param, bucket_start)
            WHERE b.model_id = e.model_id AND b.param = e.param AND b.bucket_start = e.bucket_start
           RETURNING 1),
         ${replaceVersion(['deleted'])}
         SELECT previous, version FROM replaced`,
        [emptied.map((e) => e.modelId), emptied.map((e) => e.param), emptied.map((e) => new Date(e.bucketStartMs))],
      );
    }
    return emptied;
  }

  /**
   * After `emptied` buckets were deleted: a model whose first scored bucket was one of them now
   * starts at its next bucket (none left: no coverage). Buckets after a model's first are never
   * pruned before it, so the next one still in `score_buckets` is the right one.
   */
  async repairCoverage(em: EntityManager, emptied: readonly BucketKey[]): Promise<void> {
    if (emptied.length === 0) return;
    const args = [emptied.map((e) => e.modelId), emptied.map((e) => e.param), emptied.map((e) => new Date(e.bucketStartMs))];
    await em.query(
      `UPDATE score_coverage c
          SET first_bucket_start = (SELECT min(b.bucket_start) FROM score_buckets b WHERE b.model_id = c.model_id AND b.param = c.param)
         FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS e(model_id, param, bucket_start)
        WHERE c.model_id = e.model_id AND c.param = e.param AND c.first_bucket_start = e.bucket_start
          AND EXISTS (SELECT 1 FROM score_buckets b WHERE b.model_id = c.model_id AND b.param = c.param)`,
      args,
    );
    await em.query(
      `WITH deleted AS (
         DELETE FROM score_coverage c USING unnest($1::text[], $2::text[], $3::timestamptz[]) AS e(model_id, param, bucket_start)
          WHERE c.model_id = e.model_id AND c.param = e.param AND c.first_bucket_start = e.bucket_start
            AND NOT EXISTS (SELECT 1 FROM score_buckets b WHERE b.model_id = c.model_id AND b.param = c.param)
         RETURNING 1),
       ${replaceVersion(['deleted'])}
       SELECT previous, version FROM replaced`,
      args,
    );
  }

  /** Buckets that start before `cutoff` (the first bucket of the longest window). */
  async pruneBucketsBefore(cutoff: Date): Promise<number> {
    const rows: Array<{ pruned: string }> = await this.dataSource.query(
      `WITH deleted AS (DELETE FROM score_buckets WHERE bucket_start < $1 RETURNING 1),
       ${replaceVersion(['deleted'])}
       SELECT count(*) AS pruned FROM deleted`,
      [cutoff],
    );
    return Number(rows[0]?.pruned ?? 0);
  }
}
