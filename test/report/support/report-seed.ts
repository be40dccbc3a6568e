import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CompetitionDefinition } from '../../../src/config/competition/competition.types';
import { storeScores } from '../../../bench/stored-scores';

/**
 * Rows the report reads, inserted with plain SQL as the other modules would store them.
 *
 * @example
 *   const seed = new ReportSeed(ds, competition);
 *   await seed.competition();
 *   await seed.model({ id: 'm1', name: 'alpha' });
 */
export class ReportSeed {
  private readonly configIds = new Map<string, string>();
  private readonly roundIds = new Map<string, string>();

  constructor(
    private readonly ds: DataSource,
    private readonly comp: CompetitionDefinition,
  ) {}

  async competition(): Promise<void> {
    await this.ds.query(`INSERT INTO competitions (id, name, definition) VALUES ($1, $2, '{}'::jsonb) ON CONFLICT (id) DO NOTHING`, [this.comp.id, this.comp.name]);
  }

  async model(m: { id: string; name?: string; cruncherId?: string; cruncherName?: string; deploymentId?: string; state?: string; competitionId?: string }): Promise<void> {
    await this.ds.query(
      `INSERT INTO models (id, competition_id, name, cruncher_id, cruncher_name, deployment_id, state) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [m.id, m.competitionId ?? this.comp.id, m.name ?? m.id, m.cruncherId ?? `c-${m.id}`, m.cruncherName ?? `cruncher ${m.id}`, m.deploymentId ?? `d-${m.id}`, m.state ?? 'RUNNING'],
    );
  }

  async leaderboard(createdAt: string, entries: unknown[], competitionId = this.comp.id): Promise<string> {
    const id = randomUUID();
    await this.ds.query(`INSERT INTO leaderboards (id, competition_id, created_at, entries) VALUES ($1, $2, $3, $4::jsonb)`, [id, competitionId, createdAt, JSON.stringify(entries)]);
    return id;
  }

  async snapshot(s: { modelId: string; at: string; recent?: number | null; steady?: number | null; anchor?: number | null; windows?: unknown; params?: unknown; id?: string }): Promise<string> {
    const id = s.id ?? randomUUID();
    await this.ds.query(
      `INSERT INTO score_snapshots (id, model_id, performed_at, score_recent, score_steady, score_anchor, windows, params) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
      [id, s.modelId, s.at, s.recent ?? null, s.steady ?? null, s.anchor ?? null, JSON.stringify(s.windows ?? {}), JSON.stringify(s.params ?? [])],
    );
    return id;
  }

  /** A prediction (with its round and config) as the predict and score modules store it. */
  async prediction(p: {
    modelId: string;
    asset?: string;
    horizon?: number;
    step?: number;
    performedAt: string;
    status?: 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'ABSENT';
    execTimeUs?: number | null;
    failureReason?: string | null;
    score?: number | null;
    scoreSuccess?: boolean | null;
    scoreFailedReason?: string | null;
    scoredAt?: string | null;
    id?: string;
  }): Promise<string> {
    const asset = p.asset ?? 'BTC';
    const horizon = p.horizon ?? 120;
    const step = p.step ?? 30;
    const configId = await this.config(asset, horizon, step);
    const resolvable = new Date(new Date(p.performedAt).getTime() + horizon * 1000).toISOString();
    const roundId = await this.round(configId, p.performedAt, resolvable);
    const id = p.id ?? randomUUID();
    await this.ds.query(
      `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, exec_time_us, failure_reason, performed_at, resolvable_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, roundId, p.modelId, configId, asset, horizon, step, p.status ?? 'SUCCESS', p.execTimeUs ?? null, p.failureReason ?? null, p.performedAt, resolvable],
    );
    if (p.scoredAt) {
      await storeScores(
        this.ds,
        `SELECT $1::uuid AS id, $2::timestamptz AS performed_at, $3::float8 AS score_value, $4::bool AS score_success, $5::text AS score_failed_reason, $6::timestamptz AS scored_at`,
        [id, p.performedAt, p.score ?? null, p.scoreSuccess ?? null, p.scoreFailedReason ?? null, p.scoredAt],
      );
    }
    return id;
  }

  async feedRecord(r: { source?: string; subject: string; kind?: string; granularity?: string; ts: string; values: unknown; receivedAt?: string }): Promise<void> {
    await this.ds.query(
      `INSERT INTO feed_records (source, subject, kind, granularity, ts, "values", received_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [r.source ?? 'synthetic', r.subject, r.kind ?? 'price', r.granularity ?? '5s', r.ts, JSON.stringify(r.values), r.receivedAt ?? r.ts],
    );
  }

  // One round per config and time, shared by every model, as the predict module stores them.
  private async round(configId: string, performedAt: string, resolvableAt: string): Promise<string> {
    const key = `${configId}@${performedAt}`;
    const known = this.roundIds.get(key);
    if (known) return known;
    const id = randomUUID();
    await this.ds.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at) VALUES ($1, $2, $3, $4, $4, $5)`,
      [id, this.comp.id, configId, performedAt, resolvableAt],
    );
    this.roundIds.set(key, id);
    return id;
  }

  private async config(asset: string, horizon: number, step: number): Promise<string> {
    const key = `${asset}-${horizon}-${step}`;
    const known = this.configIds.get(key);
    if (known) return known;
    const id = randomUUID();
    await this.ds.query(
      `INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, $2, $3, $4, $5, 60, 'test')`,
      [id, this.comp.id, asset, horizon, step],
    );
    this.configIds.set(key, id);
    return id;
  }
}
