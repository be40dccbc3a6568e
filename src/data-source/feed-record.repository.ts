import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { asObject } from '../database/stored-json';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import type { FeedRecord } from './feed';

/** Which series a record belongs to: the feed_records key minus subject and ts. */
export interface FeedSeries {
  source: string;
  kind: string;
  granularity: string;
}

/**
 * The series a competition's feed is stored under: every writer and reader of its prices (the live
 * data source, the admin backfill, the price download, a replay) names it this way, so they share rows.
 *
 * @example
 *   competitionFeedSeries(competition) // { source: 'pyth', kind: 'price', granularity: '60s' }
 */
export function competitionFeedSeries(competition: Pick<CompetitionDefinition, 'feed'>): FeedSeries {
  return { source: competition.feed.adapter, kind: 'price', granularity: `${competition.feed.granularity}s` };
}

/** What is stored of one series and subject: how many records, their time span and the newest arrival. */
export interface StoredSeriesSummary {
  source: string;
  subject: string;
  kind: string;
  granularity: string;
  recordCount: number;
  oldestTs: Date | null;
  newestTs: Date | null;
  /** When the newest record arrived (max received_at). */
  watermarkTs: Date | null;
}

/** A stored record with its whole key and arrival time. */
export interface StoredFeedRecord {
  source: string;
  subject: string;
  kind: string;
  granularity: string;
  ts: Date;
  values: Record<string, unknown>;
  receivedAt: Date;
}

/** One stored value of a record: its ts (epoch ms) and the number under one field, or null. */
export interface StoredValue {
  ts: number;
  value: number | null;
}

/** Exact values to match (an absent field matches any). */
export interface StoredRecordFilter {
  source?: string;
  subject?: string;
  kind?: string;
  granularity?: string;
}

/** Postgres' bind-parameter limit is 65535; three per row keeps chunks well below it. */
const ROWS_PER_INSERT = 20_000;

/**
 * The only code that touches `feed_records`. The data source stores, reads back and prunes
 * records (timestamps cross that boundary as epoch ms); the report lists summaries and the
 * latest records.
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
    return new Map(rows.map((r) => [r.subject, Math.round(r.ts_ms)]));
  }

  /** Records of one subject with `fromMs <= ts <= toMs`, oldest first. */
  async range(series: FeedSeries, subject: string, fromMs: number, toMs: number): Promise<FeedRecord[]> {
    const rows: Array<{ ts_ms: number; values: Record<string, number> }> = await this.dataSource.query(
      `SELECT ${epochMs('ts')} AS ts_ms, "values" FROM feed_records
        WHERE source = $1 AND kind = $2 AND granularity = $3 AND subject = $4 AND ts >= $5::timestamptz AND ts <= $6::timestamptz
        ORDER BY ts`,
      [series.source, series.kind, series.granularity, subject, new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
    );
    return rows.map((r) => ({ subject, ts: Math.round(r.ts_ms), values: r.values }));
  }

  /**
   * One keyset page of a subject's `field` values with `fromMs <= ts <= toMs` and `ts > afterMs`
   * (all of the range when `afterMs` is null), oldest first, at most `limit` rows; `value` is null
   * where the record has no number under `field`. The prices download reads a range page by page
   * with it, so it never holds more than one page; reading one field in SQL instead of the whole
   * jsonb doubles its rows/s. Stored ts come from epoch ms (FeedRecord.ts), so a millisecond
   * position skips and repeats nothing.
   *
   * @example
   *   const first = await repo.valuePage(series, 'BTC', 'price', fromMs, toMs, null, 5000);
   *   const next = await repo.valuePage(series, 'BTC', 'price', fromMs, toMs, first[first.length - 1].ts, 5000);
   */
  async valuePage(series: FeedSeries, subject: string, field: string, fromMs: number, toMs: number, afterMs: number | null, limit: number): Promise<StoredValue[]> {
    // After the first page the lower bound is the last ts returned (exclusive), never below fromMs.
    const resume = afterMs !== null && afterMs >= fromMs;
    const rows: Array<{ ts_ms: number; value: number | null }> = await this.dataSource.query(
      `SELECT ${epochMs('ts')} AS ts_ms,
              CASE WHEN jsonb_typeof("values" -> $7) = 'number' THEN ("values" ->> $7)::float8 END AS value
         FROM feed_records
        WHERE source = $1 AND kind = $2 AND granularity = $3 AND subject = $4 AND ts ${resume ? '>' : '>='} $5::timestamptz AND ts <= $6::timestamptz
        ORDER BY ts LIMIT $8`,
      [series.source, series.kind, series.granularity, subject, new Date(resume ? afterMs : fromMs).toISOString(), new Date(toMs).toISOString(), field, limit],
    );
    return rows.map((r) => ({ ts: Math.round(r.ts_ms), value: r.value }));
  }

  /** How many records of these subjects have `fromMs <= ts <= toMs` (the download's row limit is checked before streaming). */
  async countRange(series: FeedSeries, subjects: readonly string[], fromMs: number, toMs: number): Promise<number> {
    const [row]: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::float8 AS n FROM feed_records
        WHERE source = $1 AND kind = $2 AND granularity = $3 AND subject = ANY($4::text[]) AND ts >= $5::timestamptz AND ts <= $6::timestamptz`,
      [series.source, series.kind, series.granularity, [...subjects], new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
    );
    return row?.n ?? 0;
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

  /** Up to `limit` summaries, one per stored series and subject, ordered by source, subject, kind, granularity. */
  async summaries(limit: number): Promise<StoredSeriesSummary[]> {
    const rows: Array<{ source: string; subject: string; kind: string; granularity: string; record_count: number; oldest_ts: Date | null; newest_ts: Date | null; watermark_ts: Date | null }> =
      await this.dataSource.query(
        `SELECT source, subject, kind, granularity, count(*)::float8 AS record_count,
              min(ts) AS oldest_ts, max(ts) AS newest_ts, max(received_at) AS watermark_ts
         FROM feed_records
        GROUP BY source, subject, kind, granularity
        ORDER BY source, subject, kind, granularity LIMIT $1`,
        [limit],
      );
    return rows.map((r) => ({
      source: r.source,
      subject: r.subject,
      kind: r.kind,
      granularity: r.granularity,
      recordCount: r.record_count,
      oldestTs: r.oldest_ts,
      newestTs: r.newest_ts,
      watermarkTs: r.watermark_ts,
    }));
  }

  /** The newest `limit` records matching `filter`, returned oldest first. */
  async latest(filter: StoredRecordFilter, limit: number): Promise<StoredFeedRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const column of ['source', 'subject', 'kind', 'granularity'] as const) {
      const value = filter[column];
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    params.push(limit);
    const rows: Array<{ source: string; subject: string; kind: string; granularity: string; ts: Date; values: unknown; received_at: Date }> = await this.dataSource.query(
      `SELECT source, subject, kind, granularity, ts, "values", received_at
         FROM feed_records
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ts DESC, source DESC, subject DESC, kind DESC, granularity DESC LIMIT $${params.length}`,
      params,
    );
    return rows.reverse().map((r) => ({
      source: r.source,
      subject: r.subject,
      kind: r.kind,
      granularity: r.granularity,
      ts: r.ts,
      values: asObject(r.values) ?? {},
      receivedAt: r.received_at,
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
