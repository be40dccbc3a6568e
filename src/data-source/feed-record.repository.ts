import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FeedRecord } from './feed';

/** Which series a record belongs to: the feed_records key minus subject and ts. */
export interface FeedSeries {
  source: string;
  kind: string;
  granularity: string;
}

export interface FeedStat {
  source: string;
  subject: string;
  kind: string;
  granularity: string;
  record_count: number;
  oldest_ts: string | null;
  newest_ts: string | null;
  /** Newest persisted ts: polling resumes after it. */
  watermark_ts: string | null;
}

export interface StoredFeedRecord {
  source: string;
  subject: string;
  kind: string;
  granularity: string;
  ts: string;
  values: Record<string, number>;
  received_at: string;
}

export interface FeedTailQuery {
  source?: string;
  subject?: string;
  kind?: string;
  limit?: number;
}

/** Postgres' bind-parameter limit is 65535; three per row keeps chunks well below it. */
const ROWS_PER_INSERT = 20_000;

/**
 * The only code that touches `feed_records`. Timestamps cross the boundary as epoch ms.
 *
 * @example
 *   await repo.insert({ source: 'pyth', kind: 'price', granularity: '60s' }, records); // -> rows added
 *   await repo.watermarks(series); // Map { 'BTC' => 1767225600000 }
 */
@Injectable()
export class FeedRecordRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores records, ignoring ones already stored (same series, subject and ts). Returns how many were new. */
  async insert(series: FeedSeries, records: readonly FeedRecord[]): Promise<number> {
    let added = 0;
    for (let start = 0; start < records.length; start += ROWS_PER_INSERT) {
      const chunk = records.slice(start, start + ROWS_PER_INSERT);
      const params: unknown[] = [series.source, series.kind, series.granularity];
      const rows = chunk.map((r) => {
        params.push(r.subject, new Date(r.ts).toISOString(), JSON.stringify(r.values));
        const n = params.length;
        return `($1, $${n - 2}, $2, $3, $${n - 1}::timestamptz, $${n}::jsonb)`;
      });
      const sql =
        `INSERT INTO feed_records (source, subject, kind, granularity, ts, "values") VALUES ${rows.join(', ')} ` +
        `ON CONFLICT (source, subject, kind, granularity, ts) DO NOTHING`;
      added += await this.affected(sql, params);
    }
    return added;
  }

  /** Newest stored ts (epoch ms) per subject of a series. */
  async watermarks(series: FeedSeries): Promise<Map<string, number>> {
    const rows: Array<{ subject: string; ts_ms: number }> = await this.dataSource.query(
      `SELECT subject, ${epochMs('max(ts)')} AS ts_ms FROM feed_records
        WHERE source = $1 AND kind = $2 AND granularity = $3 GROUP BY subject`,
      [series.source, series.kind, series.granularity],
    );
    return new Map(rows.map((r) => [r.subject, Math.round(Number(r.ts_ms))]));
  }

  /** Records of one subject with `fromMs <= ts <= toMs`, oldest first. */
  async range(series: FeedSeries, subject: string, fromMs: number, toMs: number): Promise<FeedRecord[]> {
    const rows: Array<{ ts_ms: number; values: Record<string, number> }> = await this.dataSource.query(
      `SELECT ${epochMs('ts')} AS ts_ms, "values" FROM feed_records
        WHERE source = $1 AND kind = $2 AND granularity = $3 AND subject = $4 AND ts >= $5::timestamptz AND ts <= $6::timestamptz
        ORDER BY ts`,
      [series.source, series.kind, series.granularity, subject, new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
    );
    return rows.map((r) => ({ subject, ts: Math.round(Number(r.ts_ms)), values: r.values }));
  }

  /** Deletes records older than `olderThanMs` (of one source, or all). Returns how many went. */
  async deleteOlderThan(olderThanMs: number, source?: string): Promise<number> {
    const params: unknown[] = [new Date(olderThanMs).toISOString()];
    let sql = `DELETE FROM feed_records WHERE ts < $1::timestamptz`;
    if (source !== undefined) {
      params.push(source);
      sql += ` AND source = $2`;
    }
    return this.affected(sql, params);
  }

  /** One row per stored series and subject, for `/reports/feeds`. */
  async stats(source?: string): Promise<FeedStat[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT source, subject, kind, granularity, count(*)::int AS record_count, min(ts) AS oldest, max(ts) AS newest
         FROM feed_records ${source === undefined ? '' : 'WHERE source = $1'}
        GROUP BY source, subject, kind, granularity
        ORDER BY source, subject, kind, granularity`,
      source === undefined ? [] : [source],
    );
    return rows.map((r) => ({
      source: String(r.source),
      subject: String(r.subject),
      kind: String(r.kind),
      granularity: String(r.granularity),
      record_count: Number(r.record_count),
      oldest_ts: isoOrNull(r.oldest),
      newest_ts: isoOrNull(r.newest),
      watermark_ts: isoOrNull(r.newest),
    }));
  }

  /** The latest `limit` records (default 20, at most 1000), newest first. */
  async tail(q: FeedTailQuery = {}): Promise<StoredFeedRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['source', q.source],
      ['subject', q.subject],
      ['kind', q.kind],
    ] as const) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    params.push(Math.min(Math.max(1, Math.floor(q.limit ?? 20)), 1000));
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT source, subject, kind, granularity, ts, "values", received_at FROM feed_records
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts DESC, subject LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      source: String(r.source),
      subject: String(r.subject),
      kind: String(r.kind),
      granularity: String(r.granularity),
      ts: isoOrNull(r.ts) ?? '',
      values: r.values as Record<string, number>,
      received_at: isoOrNull(r.received_at) ?? '',
    }));
  }

  private async affected(sql: string, params: unknown[]): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, params, true);
      return result.affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}

/** Epoch milliseconds as a float8, which pg returns as a JS number (bigint would come back as a string). */
function epochMs(expression: string): string {
  return `(extract(epoch from ${expression}) * 1000)::float8`;
}

function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
