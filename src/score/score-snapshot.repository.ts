import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { KeysetPosition, microsecondText } from '../database/keyset-position';
import type { ModelStanding, OverallWindowScore, ParamStanding } from './model-standing';
import { readParamStanding, readWindowScores } from './stored-standing';

/** Seed-compatible columns: the report API serves these three windows as score_recent/steady/anchor. */
const SEED_WINDOWS = ['recent', 'steady', 'anchor'] as const;

/** A model's three seed scores at one cycle (the `score_recent/steady/anchor` columns). */
export interface SnapshotScores {
  id: string;
  modelId: string;
  performedAt: Date;
  scoreRecent: number | null;
  scoreSteady: number | null;
  scoreAnchor: number | null;
}

/**
 * A stored snapshot: the model's standing at `performedAt` as it was written (windows and
 * parameter sets that do not read back well-formed are left out), plus the seed columns.
 * `cursorAt` is performed_at to the microsecond (keyset paging).
 */
export interface ScoreSnapshot extends ModelStanding, SnapshotScores {
  cursorAt: string;
}

/** One element of a snapshot's `params`, with the snapshot it belongs to (`param` undefined: it names no parameter set). */
export interface SnapshotParamScore {
  modelId: string;
  performedAt: Date;
  param: ParamStanding | undefined;
}

interface SnapshotRow {
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

/**
 * `score_snapshots`: the only SQL on it. One row per model per cycle: the overall seed windows
 * in their columns, every window in `windows` (`{name: {value, count, failed, complete, params}}`)
 * and per parameter set in `params` (`[{param, asset, horizon, step, score_recent, score_steady,
 * score_anchor, windows}]`). The report reads it (each list bounded and ordered by a unique key,
 * so pages never overlap); retention prunes it.
 */
@Injectable()
export class ScoreSnapshotRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inside `em`'s transaction when given (the cycle writes its commitment in the same one). */
  async insert(standings: readonly ModelStanding[], performedAtMs: number, em?: EntityManager): Promise<void> {
    if (standings.length === 0) return;
    const { sql, params } = this.insertStatement(standings, performedAtMs);
    await (em ?? this.dataSource).query(sql, params);
  }

  /**
   * The INSERT of a cycle's snapshots, its parameters numbered from `$first`: on its own, or as a
   * CTE of a statement that writes something with them (the cycle's commitment).
   */
  insertStatement(standings: readonly ModelStanding[], performedAtMs: number, first = 1): { sql: string; params: unknown[] } {
    const value = (s: ModelStanding, name: string) => s.windows[name]?.value ?? null;
    const $ = (i: number) => `$${first + i - 1}`;
    return {
      sql: `INSERT INTO score_snapshots (id, model_id, performed_at, score_recent, score_steady, score_anchor, windows, params)
       SELECT id, model_id, ${$(2)}, recent, steady, anchor, windows::jsonb, params::jsonb
         FROM unnest(${$(1)}::uuid[], ${$(3)}::text[], ${$(4)}::float8[], ${$(5)}::float8[], ${$(6)}::float8[], ${$(7)}::text[], ${$(8)}::text[])
           AS s(id, model_id, recent, steady, anchor, windows, params)`,
      params: [
        standings.map(() => randomUUID()),
        new Date(performedAtMs),
        standings.map((s) => s.modelId),
        standings.map((s) => value(s, 'recent')),
        standings.map((s) => value(s, 'steady')),
        standings.map((s) => value(s, 'anchor')),
        standings.map((s) => JSON.stringify(s.windows)),
        standings.map((s) => JSON.stringify(s.params.map((p) => ({
          param: p.param,
          asset: p.asset,
          horizon: p.horizon,
          step: p.step,
          ...Object.fromEntries(SEED_WINDOWS.map((w) => [`score_${w}`, p.windows[w]?.value ?? null])),
          windows: p.windows,
        })))),
      ],
    };
  }

  /** The cycles (snapshot times) at or after `fromMs`, oldest first: what a history recompute goes through. */
  async cycleTimesSince(fromMs: number): Promise<number[]> {
    const rows: Array<{ performed_at: Date }> = await this.dataSource.query(
      `SELECT DISTINCT performed_at FROM score_snapshots WHERE performed_at >= $1 ORDER BY performed_at`,
      [new Date(fromMs)],
    );
    return rows.map((r) => r.performed_at.getTime());
  }

  /** Deletes the snapshots of the cycle at `performedAtMs` (to write them again, in `em`'s transaction). */
  async deleteAt(performedAtMs: number, em: EntityManager): Promise<void> {
    await em.query(`DELETE FROM score_snapshots WHERE performed_at = $1`, [new Date(performedAtMs)]);
  }

  /** Snapshots performed before `cutoff`, in bounded batches. */
  async pruneBefore(cutoff: Date, batch = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.dataSource.query(`DELETE FROM score_snapshots WHERE id IN (SELECT id FROM score_snapshots WHERE performed_at < $1 LIMIT $2)`, [cutoff, batch]);
      const deleted = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
      total += deleted;
      if (deleted < batch) return total;
    }
  }

  /** Each model's newest snapshot windows at or before `at`. */
  async latestWindows(modelIds: readonly string[], at: Date): Promise<Map<string, Record<string, OverallWindowScore>>> {
    if (modelIds.length === 0) return new Map();
    const rows: Array<{ model_id: string; windows: unknown }> = await this.dataSource.query(
      `SELECT DISTINCT ON (model_id) model_id, windows FROM score_snapshots
        WHERE model_id = ANY($1::text[]) AND performed_at <= $2::timestamptz
        ORDER BY model_id, performed_at DESC, id DESC`,
      [[...modelIds], at.toISOString()],
    );
    return new Map(rows.map((r) => [r.model_id, readWindowScores(r.windows)]));
  }

  /** Every model's overall windows in the snapshot of the cycle at `performedAt` (what its commitment's leaves hold). */
  async windowsAt(performedAt: Date, em?: EntityManager): Promise<Array<{ modelId: string; windows: Record<string, OverallWindowScore> }>> {
    const rows: Array<{ model_id: string; windows: unknown }> = await (em ?? this.dataSource).query(
      `SELECT model_id, windows FROM score_snapshots WHERE performed_at = $1::timestamptz ORDER BY model_id, id`,
      [performedAt.toISOString()],
    );
    return rows.map((r) => ({ modelId: r.model_id, windows: readWindowScores(r.windows) }));
  }

  /** Up to `limit` seed scores of `modelIds` with `start <= performed_at <= end`, oldest first, past `offset` rows. */
  async seedScores(modelIds: readonly string[], start: Date, end: Date, limit: number, offset: number): Promise<SnapshotScores[]> {
    const rows: SnapshotRow[] = await this.dataSource.query(
      `SELECT id, model_id, performed_at, score_recent, score_steady, score_anchor
         FROM score_snapshots
        WHERE model_id = ANY($1::text[]) AND performed_at BETWEEN $2::timestamptz AND $3::timestamptz
        ORDER BY performed_at, model_id, id LIMIT $4 OFFSET $5`,
      [[...modelIds], start.toISOString(), end.toISOString(), limit, offset],
    );
    return rows.map(toScores);
  }

  /** Up to `limit` rows, one per snapshot x element of its `params`, oldest snapshot first, params in stored order, past `offset` rows. */
  async paramScores(modelIds: readonly string[], start: Date, end: Date, limit: number, offset: number): Promise<SnapshotParamScore[]> {
    const rows: Array<{ model_id: string; performed_at: Date; param: unknown }> = await this.dataSource.query(
      `SELECT s.model_id, s.performed_at, p.elem AS param
         FROM score_snapshots s
        CROSS JOIN LATERAL jsonb_array_elements(
               CASE WHEN jsonb_typeof(s.params) = 'array' THEN s.params ELSE '[]'::jsonb END
             ) WITH ORDINALITY AS p(elem, ord)
        WHERE s.model_id = ANY($1::text[]) AND s.performed_at BETWEEN $2::timestamptz AND $3::timestamptz
        ORDER BY s.performed_at, s.model_id, s.id, p.ord LIMIT $4 OFFSET $5`,
      [[...modelIds], start.toISOString(), end.toISOString(), limit, offset],
    );
    return rows.map((r) => ({ modelId: r.model_id, performedAt: r.performed_at, param: readParamStanding(r.param) }));
  }

  /** How many snapshots of `modelIds` lie in [start, end], counting no further than `atMost + 1` (a bounded read). */
  async countSeedScores(modelIds: readonly string[], start: Date, end: Date, atMost: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM score_snapshots WHERE model_id = ANY($1::text[]) AND performed_at BETWEEN $2::timestamptz AND $3::timestamptz LIMIT $4
       ) AS bounded`,
      [[...modelIds], start.toISOString(), end.toISOString(), atMost + 1],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Each model's newest snapshot of every `bucketSeconds`-long bucket of [start, end], oldest
   * first; at most `limit`, the newest kept. How a chart gets the whole range in one body.
   */
  async sampledSeedScores(modelIds: readonly string[], start: Date, end: Date, bucketSeconds: number, limit: number): Promise<SnapshotScores[]> {
    const rows: SnapshotRow[] = await this.dataSource.query(
      `SELECT * FROM (${SAMPLED_SNAPSHOTS}) AS sampled ORDER BY performed_at DESC, model_id DESC, id DESC LIMIT $5`,
      [[...modelIds], start.toISOString(), end.toISOString(), bucketSeconds, limit],
    );
    return rows.reverse().map(toScores);
  }

  /** How many snapshot x parameter-set rows `paramScores` would read over [start, end], counting no further than `atMost + 1`. */
  async countParamScores(modelIds: readonly string[], start: Date, end: Date, atMost: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM score_snapshots s
          CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.params) = 'array' THEN s.params ELSE '[]'::jsonb END) AS p(elem)
          WHERE s.model_id = ANY($1::text[]) AND s.performed_at BETWEEN $2::timestamptz AND $3::timestamptz LIMIT $4
       ) AS bounded`,
      [[...modelIds], start.toISOString(), end.toISOString(), atMost + 1],
    );
    return rows[0]?.n ?? 0;
  }

  /** `paramScores` of the snapshots `sampledSeedScores` picks (each model's newest per bucket): at most `limit` rows, the newest kept, oldest first. */
  async sampledParamScores(modelIds: readonly string[], start: Date, end: Date, bucketSeconds: number, limit: number): Promise<SnapshotParamScore[]> {
    const rows: Array<{ model_id: string; performed_at: Date; param: unknown }> = await this.dataSource.query(
      `SELECT * FROM (
         SELECT s.model_id, s.performed_at, s.id, p.ord, p.elem AS param
           FROM (${SAMPLED_SNAPSHOTS}) AS s
          CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.params) = 'array' THEN s.params ELSE '[]'::jsonb END) WITH ORDINALITY AS p(elem, ord)
          ORDER BY s.performed_at DESC, s.model_id DESC, s.id DESC, p.ord DESC LIMIT $5
       ) AS newest
       ORDER BY performed_at, model_id, id, ord`,
      [[...modelIds], start.toISOString(), end.toISOString(), bucketSeconds, limit],
    );
    return rows.map((r) => ({ modelId: r.model_id, performedAt: r.performed_at, param: readParamStanding(r.param) }));
  }

  /** Up to `limit` snapshots oldest first (performed_at, id), optionally of one model and within bounds, after `after`. */
  async list(filter: { modelId?: string; since?: Date; until?: Date; after?: KeysetPosition }, limit: number): Promise<ScoreSnapshot[]> {
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
    if (filter.after) {
      params.push(filter.after.at, filter.after.id);
      where.push(`(performed_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit);
    const rows: SnapshotRow[] = await this.dataSource.query(
      `SELECT id, model_id, performed_at, ${microsecondText('performed_at')} AS cursor_at,
              score_recent, score_steady, score_anchor, windows, params
         FROM score_snapshots
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY performed_at, id LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      ...toScores(r),
      cursorAt: r.cursor_at,
      windows: readWindowScores(r.windows),
      params: (Array.isArray(r.params) ? r.params : []).map(readParamStanding).filter((p): p is ParamStanding => p !== undefined),
    }));
  }
}

/**
 * Each model's newest snapshot per `$4`-second bucket of [$2, $3] ($1: model ids): one index probe
 * per model and bucket, so the cost follows the body, not the range (30 days of one snapshot a
 * minute for 10 models, 432,000 rows, on PostgreSQL: 0.2-0.3 s against 1.2-1.8 s for DISTINCT ON
 * over the range).
 */
const SAMPLED_SNAPSHOTS = `
  SELECT s.id, s.model_id, s.performed_at, s.score_recent, s.score_steady, s.score_anchor, s.params
    FROM (SELECT DISTINCT unnest($1::text[]) AS model_id) AS m
   CROSS JOIN generate_series(0, floor(extract(epoch from $3::timestamptz - $2::timestamptz) / $4::float8)::int) AS b(n)
   CROSS JOIN LATERAL (
     SELECT id, model_id, performed_at, score_recent, score_steady, score_anchor, params
       FROM score_snapshots
      WHERE score_snapshots.model_id = m.model_id
        AND performed_at >= $2::timestamptz + b.n * $4::float8 * interval '1 second'
        AND performed_at < $2::timestamptz + (b.n + 1) * $4::float8 * interval '1 second'
        AND performed_at <= $3::timestamptz
      ORDER BY performed_at DESC, id DESC LIMIT 1) AS s`;

function toScores(r: Omit<SnapshotRow, 'cursor_at' | 'windows' | 'params'>): SnapshotScores {
  return { id: r.id, modelId: r.model_id, performedAt: r.performed_at, scoreRecent: r.score_recent, scoreSteady: r.score_steady, scoreAnchor: r.score_anchor };
}
