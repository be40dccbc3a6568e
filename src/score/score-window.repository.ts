import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ScoreWindowDefinition } from '../config/competition/competition.types';
import type { WindowTotals } from './model-standing';
import type { WindowBuckets } from './window-buckets';

/**
 * Reads rolling windows from `score_buckets` (never from predictions), so the cost of a cycle is
 * bounded by models x parameter sets x buckets of the longest window, whatever the history.
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
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT model_id, param,
              ${columns}
         FROM score_buckets
        WHERE bucket_start >= $1 AND bucket_start <= $2
        GROUP BY model_id, param`,
      [earliest, new Date(nowMs), ...starts],
    );
    return rows.map((r) => ({
      modelId: String(r.model_id),
      param: String(r.param),
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
}
