import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CompetitionDefinition } from '../../../src/config/competition/competition.types';
import { paramKey } from '../../../src/config/competition/competition.types';
import { PredictionRoundRepository } from '../../../src/predict/round/prediction-round.repository';

export type Status = 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'ABSENT';

export interface PredictionRowInput {
  modelId: string;
  status: Status;
  payload: unknown;
  /** The answer's JSON text as the model wrote it (its spacing kept), instead of `JSON.stringify(payload)`. */
  payloadText?: string;
  failureReason?: string | null;
}

export interface RoundInput {
  param: string;
  performedAtMs: number;
  predictions: PredictionRowInput[];
}

/** Writes a competition's configs, models, rounds and predictions directly, as the predict module would. */
export class PredictionLedger {
  private readonly configIds = new Map<string, { id: string; asset: string; horizon: number; step: number }>();

  constructor(
    private readonly ds: DataSource,
    private readonly competition: CompetitionDefinition,
  ) {}

  async setup(): Promise<void> {
    await this.ds.query(`INSERT INTO competitions (id, name, definition) VALUES ($1, $2, '{}') ON CONFLICT (id) DO NOTHING`, [this.competition.id, this.competition.name]);
    for (const p of this.competition.predictions) {
      const id = randomUUID();
      await this.ds.query(
        `INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, this.competition.id, p.asset, p.horizon, p.step, p.interval, p.group],
      );
      this.configIds.set(paramKey(p), { id, asset: p.asset, horizon: p.horizon, step: p.step });
    }
  }

  async addModel(id: string, opts: { name?: string; cruncherId?: string; leftAtMs?: number } = {}): Promise<void> {
    await this.ds.query(`INSERT INTO models (id, competition_id, name, cruncher_id, cruncher_name, left_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id,
      this.competition.id,
      opts.name ?? `model ${id}`,
      opts.cruncherId ?? `cruncher-${id}`,
      `cruncher of ${id}`,
      opts.leftAtMs === undefined ? null : new Date(opts.leftAtMs),
    ]);
  }

  async markLeft(id: string, atMs: number): Promise<void> {
    await this.ds.query(`UPDATE models SET left_at = $2 WHERE id = $1`, [id, new Date(atMs)]);
  }

  /**
   * Inserts rounds and their predictions in two statements; returns the round ids in order.
   * Payloads are written as JSON text (as rows from before the compact form are), or with
   * `through: 'insert-path'` by the predictions' repository as the predict loop writes them
   * (compact when the codec reproduces the text).
   */
  async addRounds(rounds: RoundInput[], opts: { through?: 'sql-text' | 'insert-path' } = {}): Promise<string[]> {
    const roundIds = rounds.map(() => randomUUID());
    const config = (param: string) => {
      const c = this.configIds.get(param);
      if (!c) throw new Error(`unknown param ${param}`);
      return c;
    };
    await this.ds.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at, model_count)
       SELECT id, $1, config_id, performed_at, performed_at, resolvable_at, n
         FROM unnest($2::uuid[], $3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::int[]) AS r(id, config_id, performed_at, resolvable_at, n)`,
      [
        this.competition.id,
        roundIds,
        rounds.map((r) => config(r.param).id),
        rounds.map((r) => new Date(r.performedAtMs)),
        rounds.map((r) => new Date(r.performedAtMs + config(r.param).horizon * 1000)),
        rounds.map((r) => r.predictions.length),
      ],
    );
    if (opts.through === 'insert-path') {
      const repository = new PredictionRoundRepository(this.ds);
      for (const [i, r] of rounds.entries()) {
        const c = config(r.param);
        const performedAt = new Date(r.performedAtMs);
        const round = { id: roundIds[i], competitionId: this.competition.id, configId: c.id, scheduledAt: performedAt, performedAt, resolvableAt: new Date(r.performedAtMs + c.horizon * 1000) };
        await repository.insertPredictions(
          round,
          c,
          r.predictions.map((p) => ({
            id: randomUUID(),
            modelId: p.modelId,
            status: p.status,
            execTimeUs: null,
            payloadJson: payloadJson(p),
            failureReason: p.failureReason ?? null,
          })),
        );
      }
      return roundIds;
    }
    const rows = rounds.flatMap((r, i) => r.predictions.map((p) => ({ round: r, roundId: roundIds[i], p, c: config(r.param) })));
    for (let start = 0; start < rows.length; start += 5000) {
      const chunk = rows.slice(start, start + 5000);
      await this.ds.query(
        `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, payload, failure_reason, performed_at, resolvable_at)
         SELECT id, round_id, model_id, config_id, asset, horizon, step, status, payload::jsonb, failure_reason, performed_at, resolvable_at
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[])
             AS p(id, round_id, model_id, config_id, asset, horizon, step, status, payload, failure_reason, performed_at, resolvable_at)`,
        [
          chunk.map(() => randomUUID()),
          chunk.map((r) => r.roundId),
          chunk.map((r) => r.p.modelId),
          chunk.map((r) => r.c.id),
          chunk.map((r) => r.c.asset),
          chunk.map((r) => r.c.horizon),
          chunk.map((r) => r.c.step),
          chunk.map((r) => r.p.status),
          chunk.map((r) => payloadJson(r.p)),
          chunk.map((r) => r.p.failureReason ?? null),
          chunk.map((r) => new Date(r.round.performedAtMs)),
          chunk.map((r) => new Date(r.round.performedAtMs + r.c.horizon * 1000)),
        ],
      );
    }
    return roundIds;
  }
}

function payloadJson(p: PredictionRowInput): string | null {
  if (p.payloadText !== undefined) return p.payloadText;
  return p.payload === undefined || p.payload === null ? null : JSON.stringify(p.payload);
}

/** A `horizon/step` list of normal density specs, the reference competition's answer format. */
export function normalSpecs(steps: number, loc: number, scale: number): unknown[] {
  return Array.from({ length: steps }, () => ({ type: 'builtin', name: 'norm', params: { loc, scale } }));
}

/** The normal pdf, computed by the test itself. */
export function normalPdf(x: number, loc: number, scale: number): number {
  const z = (x - loc) / scale;
  return Math.exp(-0.5 * z * z) / (scale * Math.sqrt(2 * Math.PI));
}
