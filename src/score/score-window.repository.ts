import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ScoreWindowDefinition } from '../config/competition/competition.types';
import type { BucketIncrement } from './bucket-increments';
import type { WindowTotals } from './model-standing';
import type { WindowBuckets } from './window-buckets';

/**
 * `score_buckets` and `score_coverage`: the only SQL on them. A cycle adds its scores to the
 * buckets inside its claim transaction; rolling windows are read from the buckets (never from
 * predictions), so the cost of a cycle is bounded by models x parameter sets x buckets of the
 * longest window, whatever the history; retention drops buckets older than the longest window.
 */
@Injectable()
export class ScoreWindowRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Per model and parameter set, the sums of every window at `nowMs`. */
  async windowTotals(nowMs: number, windows: readonly ScoreWindowDefinition[], buckets: WindowBuckets): Promise<WindowTotals[]> {
    const starts = windows.map((w) => new Date(buckets.windowStartMs(nowMs, w.seconds)));
    const columns = windows
      .map((_, i) => {
        const within = `FILTER (WHERE bucket_start >= $${i + 3})`;
        return `coalesce(sum(score_sum) ${within}, 0) AS s${i}, coalesce(sum(score_count) ${within}, 0)::bigint AS c${i}, coalesce(sum(failed_count) ${within}, 0)::bigint AS f${i}`;
      })
      .join(',\n              ');
    const earliest = new Date(Math.min(...starts.map((d) => d.getTime())));
    // s<i>: float8 sum; c<i>, f<i>: bigint counts, which the driver returns as text.
    const rows: Array<{ model_id: string; param: string } & Record<string, number | string>> = await this.dataSource.query(
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

  /** First scored bucket per model and parameter set. */
  async firstScoredBuckets(): Promise<Map<string, Map<string, number>>> {
    const rows: Array<{ model_id: string; param: string; first_bucket_start: Date }> = await this.dataSource.query(
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

  /** Adds a batch's increments to the window buckets (inside the cycle's claim transaction). */
  async addToBuckets(em: EntityManager, increments: readonly BucketIncrement[]): Promise<void> {
    if (increments.length === 0) return;
    await em.query(
      `INSERT INTO score_buckets (model_id, param, bucket_start, score_sum, score_count, failed_count)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::int[], $6::int[])
       ON CONFLICT (model_id, param, bucket_start) DO UPDATE
         SET score_sum = score_buckets.score_sum + EXCLUDED.score_sum,
             score_count = score_buckets.score_count + EXCLUDED.score_count,
             failed_count = score_buckets.failed_count + EXCLUDED.failed_count`,
      [
        increments.map((i) => i.modelId),
        increments.map((i) => i.param),
        increments.map((i) => new Date(i.bucketStartMs)),
        increments.map((i) => i.scoreSum),
        increments.map((i) => i.scoreCount),
        increments.map((i) => i.failedCount),
      ],
    );
  }

  /** Remembers the first bucket each model was scored in, per parameter set. */
  async extendCoverage(em: EntityManager, increments: readonly BucketIncrement[]): Promise<void> {
    const first = new Map<string, BucketIncrement>();
    for (const i of increments) {
      const key = `${i.modelId}\u0000${i.param}`;
      const known = first.get(key);
      if (!known || i.bucketStartMs < known.bucketStartMs) first.set(key, i);
    }
    if (first.size === 0) return;
    const rows = [...first.values()];
    await em.query(
      `INSERT INTO score_coverage (model_id, param, first_bucket_start)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
       ON CONFLICT (model_id, param) DO UPDATE
         SET first_bucket_start = LEAST(score_coverage.first_bucket_start, EXCLUDED.first_bucket_start)`,
      [rows.map((r) => r.modelId), rows.map((r) => r.param), rows.map((r) => new Date(r.bucketStartMs))],
    );
  }

  /** Buckets that start before `cutoff` (the first bucket of the longest window). */
  async pruneBucketsBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource.query(`DELETE FROM score_buckets WHERE bucket_start < $1`, [cutoff]);
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }
}
