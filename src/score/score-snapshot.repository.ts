import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ModelStanding } from './model-standing';

/** Seed-compatible columns: the report API serves these three windows as score_recent/steady/anchor. */
const SEED_WINDOWS = ['recent', 'steady', 'anchor'] as const;

/**
 * Writes one `score_snapshots` row per model per cycle: the overall seed windows in their columns,
 * every window in `windows` (`{name: {value, count, failed, complete, params}}`) and per parameter
 * set in `params` (`[{param, asset, horizon, step, score_recent, score_steady, score_anchor, windows}]`).
 */
@Injectable()
export class ScoreSnapshotRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(standings: readonly ModelStanding[], performedAtMs: number): Promise<void> {
    if (standings.length === 0) return;
    const value = (s: ModelStanding, name: string) => s.windows[name]?.value ?? null;
    await this.dataSource.query(
      `INSERT INTO score_snapshots (id, model_id, performed_at, score_recent, score_steady, score_anchor, windows, params)
       SELECT id, model_id, $2, recent, steady, anchor, windows::jsonb, params::jsonb
         FROM unnest($1::uuid[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::text[], $8::text[])
           AS s(id, model_id, recent, steady, anchor, windows, params)`,
      [
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
    );
  }
}
