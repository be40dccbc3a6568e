import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PageCursor } from './query/page-cursor';

/** A page of rows plus whether more rows follow (the repository reads one row past the limit). */
export interface Page<T> {
  rows: T[];
  hasMore: boolean;
}

export interface ModelRow {
  id: string;
  name: string;
  cruncher_id: string;
  cruncher_name: string;
  deployment_id: string;
}

export interface LeaderboardRecord {
  id: string;
  createdAt: Date;
  entries: unknown;
}

export interface LeaderboardStamp {
  id: string;
  createdAt: Date;
}

export interface SnapshotRow {
  id: string;
  model_id: string;
  performed_at: Date;
  cursor_at: string;
  score_recent: number | null;
  score_steady: number | null;
  score_anchor: number | null;
  windows: unknown;
  params: unknown;
}

export interface SnapshotParamRow {
  model_id: string;
  performed_at: Date;
  param: unknown;
}

export interface ScoredPredictionRow {
  id: string;
  model_id: string;
  asset: string;
  horizon: number;
  step: number;
  score_value: number | null;
  score_success: boolean | null;
  score_failed_reason: string | null;
  scored_at: Date;
  performed_at: Date;
  cursor_at: string;
}

export interface ModelHealthRow {
  model_id: string;
  model_name: string;
  cruncher_name: string;
  state: string;
  left_at: Date | null;
  success: number;
  failed: number;
  timeout: number;
  absent: number;
  exec_avg_us: number | null;
  exec_p50_us: number | null;
  exec_p95_us: number | null;
  exec_max_us: number | null;
  last_status: string | null;
  last_performed_at: Date | null;
  last_failure_reason: string | null;
}

export interface FeedSeriesRow {
  source: string;
  subject: string;
  kind: string;
  granularity: string;
  record_count: number;
  oldest_ts: Date | null;
  newest_ts: Date | null;
  watermark_ts: Date | null;
}

export interface FeedRecordRow {
  source: string;
  subject: string;
  kind: string;
  granularity: string;
  ts: Date;
  values: unknown;
  received_at: Date;
}

export interface FeedFilter {
  source?: string;
  subject?: string;
  kind?: string;
  granularity?: string;
}

// Microsecond text of a timestamptz: keyset cursors must not lose PostgreSQL's precision.
const CURSOR_AT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Every read of the report API, and the only file of the report module with SQL. Reads only;
 * each list is bounded by a limit and ordered by a unique key so pages never overlap.
 *
 * @example
 *   const page = await repository.globalScores(['m1'], start, end, 100, 0);
 *   page.rows[0].performed_at // oldest snapshot first
 */
@Injectable()
export class ReportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async models(competitionId: string, limit: number, offset: number): Promise<Page<ModelRow>> {
    const rows: ModelRow[] = await this.dataSource.query(
      `SELECT id, name, cruncher_id, cruncher_name, deployment_id
         FROM models WHERE competition_id = $1
        ORDER BY id LIMIT $2 OFFSET $3`,
      [competitionId, limit + 1, offset],
    );
    return page(rows, limit);
  }

  /** The newest leaderboard only: the table keeps history, the API never reads it whole. */
  async latestLeaderboard(competitionId: string): Promise<LeaderboardRecord | undefined> {
    const rows: { id: string; created_at: Date; entries: unknown }[] = await this.dataSource.query(
      `SELECT id, created_at, entries FROM leaderboards
        WHERE competition_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [competitionId],
    );
    return rows[0] && { id: rows[0].id, createdAt: rows[0].created_at, entries: rows[0].entries };
  }

  /** Which leaderboard is newest, without its entries: how a cache checks it is still current. */
  async latestLeaderboardStamp(competitionId: string): Promise<LeaderboardStamp | undefined> {
    const rows: { id: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT id, created_at FROM leaderboards
        WHERE competition_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
      [competitionId],
    );
    return rows[0] && { id: rows[0].id, createdAt: rows[0].created_at };
  }

  /** Each model's newest snapshot `windows` at or before `at` (window completeness for the UI). */
  async latestSnapshotWindows(modelIds: string[], at: Date): Promise<Map<string, unknown>> {
    if (modelIds.length === 0) return new Map();
    const rows: { model_id: string; windows: unknown }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (model_id) model_id, windows FROM score_snapshots
        WHERE model_id = ANY($1::text[]) AND performed_at <= $2::timestamptz
        ORDER BY model_id, performed_at DESC, id DESC`,
      [modelIds, at.toISOString()],
    );
    return new Map(rows.map((r) => [r.model_id, r.windows]));
  }

  /** Snapshots of `modelIds` with `start <= performed_at <= end`, oldest first. */
  async globalScores(modelIds: string[], start: Date, end: Date, limit: number, offset: number): Promise<Page<SnapshotRow>> {
    const rows: SnapshotRow[] = await this.dataSource.query(
      `SELECT id, model_id, performed_at, score_recent, score_steady, score_anchor
         FROM score_snapshots
        WHERE model_id = ANY($1::text[]) AND performed_at BETWEEN $2::timestamptz AND $3::timestamptz
        ORDER BY performed_at, model_id, id LIMIT $4 OFFSET $5`,
      [modelIds, start.toISOString(), end.toISOString(), limit + 1, offset],
    );
    return page(rows, limit);
  }

  /** One row per snapshot x element of its `params` array, oldest snapshot first, params in stored order. */
  async paramScores(modelIds: string[], start: Date, end: Date, limit: number, offset: number): Promise<Page<SnapshotParamRow>> {
    const rows: SnapshotParamRow[] = await this.dataSource.query(
      `SELECT s.model_id, s.performed_at, p.elem AS param
         FROM score_snapshots s
        CROSS JOIN LATERAL jsonb_array_elements(
               CASE WHEN jsonb_typeof(s.params) = 'array' THEN s.params ELSE '[]'::jsonb END
             ) WITH ORDINALITY AS p(elem, ord)
        WHERE s.model_id = ANY($1::text[]) AND s.performed_at BETWEEN $2::timestamptz AND $3::timestamptz
        ORDER BY s.performed_at, s.model_id, s.id, p.ord LIMIT $4 OFFSET $5`,
      [modelIds, start.toISOString(), end.toISOString(), limit + 1, offset],
    );
    return page(rows, limit);
  }

  /** One model's scored predictions, newest first (performed_at DESC, id DESC), after `position`. */
  async scoredPredictions(
    modelId: string,
    start: Date,
    end: Date,
    limit: number,
    position: { cursor?: PageCursor; offset: number },
  ): Promise<Page<ScoredPredictionRow>> {
    const params: unknown[] = [modelId, start.toISOString(), end.toISOString(), limit + 1];
    let keyset = '';
    let offset = '';
    if (position.cursor) {
      params.push(position.cursor.at, position.cursor.id);
      keyset = `AND (performed_at, id) < ($5::timestamptz, $6::uuid)`;
    } else if (position.offset > 0) {
      params.push(position.offset);
      offset = `OFFSET $5`;
    }
    const rows: ScoredPredictionRow[] = await this.dataSource.query(
      `SELECT id, model_id, asset, horizon, step, score_value, score_success, score_failed_reason,
              scored_at, performed_at, ${CURSOR_AT('performed_at')} AS cursor_at
         FROM predictions
        WHERE model_id = $1 AND performed_at BETWEEN $2::timestamptz AND $3::timestamptz
          AND scored_at IS NOT NULL ${keyset}
        ORDER BY performed_at DESC, id DESC LIMIT $4 ${offset}`,
      params,
    );
    return page(rows, limit);
  }

  /** Snapshots oldest first (performed_at, id), optionally of one model and within bounds, after `cursor`. */
  async snapshots(filter: { modelId?: string; since?: Date; until?: Date; cursor?: PageCursor }, limit: number): Promise<Page<SnapshotRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: string) => string, ...values: unknown[]) => {
      const placeholders = values.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      where.push(sql(placeholders.join(',')));
    };
    if (filter.modelId !== undefined) add((p) => `model_id = ${p}`, filter.modelId);
    if (filter.since) add((p) => `performed_at >= ${p}::timestamptz`, filter.since.toISOString());
    if (filter.until) add((p) => `performed_at <= ${p}::timestamptz`, filter.until.toISOString());
    if (filter.cursor) {
      params.push(filter.cursor.at, filter.cursor.id);
      where.push(`(performed_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows: SnapshotRow[] = await this.dataSource.query(
      `SELECT id, model_id, performed_at, ${CURSOR_AT('performed_at')} AS cursor_at,
              score_recent, score_steady, score_anchor, windows, params
         FROM score_snapshots
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY performed_at, id LIMIT $${params.length}`,
      params,
    );
    return page(rows, limit);
  }

  /** Per model of the competition: prediction statuses and execution times with `since <= performed_at <= until`. */
  async modelHealth(competitionId: string, since: Date, until: Date, limit: number, offset: number): Promise<Page<ModelHealthRow>> {
    const rows: ModelHealthRow[] = await this.dataSource.query(
      `WITH window_predictions AS (
         SELECT p.* FROM predictions p JOIN models m ON m.id = p.model_id AND m.competition_id = $1
          WHERE p.performed_at BETWEEN $2::timestamptz AND $3::timestamptz
       ), stats AS (
         SELECT model_id,
                count(*) FILTER (WHERE status = 'SUCCESS')::int AS success,
                count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
                count(*) FILTER (WHERE status = 'TIMEOUT')::int AS timeout,
                count(*) FILTER (WHERE status = 'ABSENT')::int AS absent,
                avg(exec_time_us)::float8 AS exec_avg_us,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY exec_time_us)::float8 AS exec_p50_us,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY exec_time_us)::float8 AS exec_p95_us,
                max(exec_time_us)::float8 AS exec_max_us
           FROM window_predictions GROUP BY model_id
       ), last AS (
         SELECT DISTINCT ON (model_id) model_id, status, performed_at
           FROM window_predictions ORDER BY model_id, performed_at DESC, id DESC
       ), last_failure AS (
         SELECT DISTINCT ON (model_id) model_id, failure_reason
           FROM window_predictions WHERE status <> 'SUCCESS' AND failure_reason IS NOT NULL
          ORDER BY model_id, performed_at DESC, id DESC
       )
       SELECT m.id AS model_id, m.name AS model_name, m.cruncher_name, m.state, m.left_at,
              coalesce(s.success, 0) AS success, coalesce(s.failed, 0) AS failed,
              coalesce(s.timeout, 0) AS timeout, coalesce(s.absent, 0) AS absent,
              s.exec_avg_us, s.exec_p50_us, s.exec_p95_us, s.exec_max_us,
              l.status AS last_status, l.performed_at AS last_performed_at,
              f.failure_reason AS last_failure_reason
         FROM models m
         LEFT JOIN stats s ON s.model_id = m.id
         LEFT JOIN last l ON l.model_id = m.id
         LEFT JOIN last_failure f ON f.model_id = m.id
        WHERE m.competition_id = $1
        ORDER BY m.id LIMIT $4 OFFSET $5`,
      [competitionId, since.toISOString(), until.toISOString(), limit + 1, offset],
    );
    return page(rows, limit);
  }

  async feedSeries(limit: number): Promise<Page<FeedSeriesRow>> {
    const rows: FeedSeriesRow[] = await this.dataSource.query(
      `SELECT source, subject, kind, granularity, count(*)::float8 AS record_count,
              min(ts) AS oldest_ts, max(ts) AS newest_ts, max(received_at) AS watermark_ts
         FROM feed_records
        GROUP BY source, subject, kind, granularity
        ORDER BY source, subject, kind, granularity LIMIT $1`,
      [limit + 1],
    );
    return page(rows, limit);
  }

  /** The newest `limit` records matching `filter`, returned oldest first. */
  async feedTail(filter: FeedFilter, limit: number): Promise<FeedRecordRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const column of ['source', 'subject', 'kind', 'granularity'] as const) {
      const value = filter[column];
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    params.push(limit);
    const rows: FeedRecordRow[] = await this.dataSource.query(
      `SELECT source, subject, kind, granularity, ts, "values", received_at
         FROM feed_records
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ts DESC, source DESC, subject DESC, kind DESC, granularity DESC LIMIT $${params.length}`,
      params,
    );
    return rows.reverse();
  }
}

function page<T>(rows: T[], limit: number): Page<T> {
  return rows.length > limit ? { rows: rows.slice(0, limit), hasMore: true } : { rows, hasMore: false };
}
