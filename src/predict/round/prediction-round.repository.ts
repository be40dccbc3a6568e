import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PredictionConfig } from '../../competition/prediction-config';
import { PredictionRecord, PredictionRoundRecord, RoundCounts } from './prediction-round';

/** PostgreSQL's limit of bind parameters per statement. */
const MAX_PARAMS = 65535;
/** Parameters shared by every row of a round's insert ($1..$7). */
const SHARED_PARAMS = 7;
const PARAMS_PER_ROW = 6;

export interface PredictionInsertLimits {
  /** Rows per INSERT statement (capped so the statement stays under 65535 parameters). */
  maxRows: number;
  /** Payload characters per INSERT statement, so a round of large payloads is sent in pieces. */
  maxChars: number;
}

const DEFAULT_LIMITS: PredictionInsertLimits = {
  maxRows: Math.floor((MAX_PARAMS - SHARED_PARAMS) / PARAMS_PER_ROW),
  maxChars: 16 * 1024 * 1024,
};

/** What `insertPredictions` did: rows written, and those stored as FAILED because PostgreSQL refused their payload. */
export interface PredictionInsertOutcome {
  inserted: number;
  rejectedPayloads: string[];
}

/**
 * `prediction_rounds` and `predictions`: the only place that writes them for the predict loop.
 * A round row is claimed by its (config_id, scheduled_at) slot, so a slot runs once even when
 * two instances or a restart race for it; predictions are inserted in multi-row statements
 * whose round-wide values are bound once.
 *
 * @example
 *   const round = await rounds.claim(record);            // null when the slot already ran
 *   if (round) await rounds.insertPredictions(round, config, predictions);
 */
@Injectable()
export class PredictionRoundRepository {
  private readonly logger = new Logger(PredictionRoundRepository.name);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Creates the round row; false when a round of this config and slot already exists. */
  async claim(round: PredictionRoundRecord): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT prediction_rounds_schedule_unique DO NOTHING
       RETURNING id`,
      [round.id, round.competitionId, round.configId, round.scheduledAt, round.performedAt, round.resolvableAt],
    );
    return rows.length === 1;
  }

  /** Records the outcome counts and duration of a finished round. */
  async complete(roundId: string, counts: RoundCounts, durationMs: number): Promise<void> {
    await this.dataSource.query(
      `WITH done AS (
         UPDATE prediction_rounds SET model_count = $2, success_count = $3, failed_count = $4,
                timeout_count = $5, absent_count = $6, duration_ms = $7
          WHERE id = $1 RETURNING id)
       SELECT id FROM done`,
      [roundId, counts.modelCount, counts.successCount, counts.failedCount, counts.timeoutCount, counts.absentCount, Math.round(durationMs)],
    );
  }

  /** The latest slot that ran, per config id (for the missed-round log at start). */
  async latestScheduledAt(configIds: readonly string[]): Promise<Map<string, Date>> {
    if (configIds.length === 0) return new Map();
    const rows: Array<{ config_id: string; latest: Date }> = await this.dataSource.query(
      `SELECT config_id, max(scheduled_at) AS latest FROM prediction_rounds WHERE config_id = ANY($1::uuid[]) GROUP BY config_id`,
      [[...configIds]],
    );
    return new Map(rows.map((r) => [r.config_id, new Date(r.latest)]));
  }

  /**
   * Inserts the predictions of a round in chunks. A chunk PostgreSQL refuses (a payload it
   * cannot store) is retried row by row, and a refused row is stored as FAILED without its
   * payload, so one bad payload never loses the others. Re-inserting a (round, model) is a no-op.
   */
  async insertPredictions(
    round: PredictionRoundRecord,
    config: Pick<PredictionConfig, 'id' | 'asset' | 'horizon' | 'step'>,
    predictions: readonly PredictionRecord[],
    limits: Partial<PredictionInsertLimits> = {},
  ): Promise<PredictionInsertOutcome> {
    const maxRows = Math.min(limits.maxRows ?? DEFAULT_LIMITS.maxRows, DEFAULT_LIMITS.maxRows);
    const maxChars = limits.maxChars ?? DEFAULT_LIMITS.maxChars;
    const shared = [round.id, config.id, config.asset, config.horizon, config.step, round.performedAt, round.resolvableAt];
    const outcome: PredictionInsertOutcome = { inserted: 0, rejectedPayloads: [] };
    for (const chunk of chunks(predictions, maxRows, maxChars)) {
      try {
        outcome.inserted += await this.insertChunk(shared, chunk);
      } catch (error) {
        this.logger.warn(`round ${round.id}: a batch of ${chunk.length} predictions was refused (${(error as Error).message}); inserting row by row`);
        for (const prediction of chunk) await this.insertOneByOne(shared, prediction, outcome);
      }
    }
    return outcome;
  }

  private async insertOneByOne(shared: unknown[], prediction: PredictionRecord, outcome: PredictionInsertOutcome): Promise<void> {
    try {
      outcome.inserted += await this.insertChunk(shared, [prediction]);
    } catch (error) {
      const reason = `payload refused by the database: ${(error as Error).message}`.slice(0, 500);
      outcome.inserted += await this.insertChunk(shared, [{ ...prediction, status: 'FAILED', payloadJson: null, failureReason: reason }]);
      outcome.rejectedPayloads.push(prediction.modelId);
    }
  }

  private async insertChunk(shared: unknown[], rows: readonly PredictionRecord[]): Promise<number> {
    const params: unknown[] = [...shared];
    const tuples: string[] = [];
    for (const p of rows) {
      const n = params.length;
      tuples.push(`($${n + 1}::uuid, $1::uuid, $${n + 2}, $2::uuid, $3, $4, $5, $${n + 3}, $${n + 4}::bigint, $${n + 5}::json, $${n + 6}, $6::timestamptz, $7::timestamptz)`);
      params.push(p.id, p.modelId, p.status, p.execTimeUs === null ? null : Math.round(p.execTimeUs), p.payloadJson, p.failureReason);
    }
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, exec_time_us, payload, failure_reason, performed_at, resolvable_at)
       VALUES ${tuples.join(', ')}
       ON CONFLICT ON CONSTRAINT predictions_round_model_unique DO NOTHING
       RETURNING id`,
      params,
    );
    return inserted.length;
  }
}

function* chunks(rows: readonly PredictionRecord[], maxRows: number, maxChars: number): Generator<PredictionRecord[]> {
  let chunk: PredictionRecord[] = [];
  let chars = 0;
  for (const row of rows) {
    const size = row.payloadJson?.length ?? 0;
    if (chunk.length > 0 && (chunk.length >= maxRows || chars + size > maxChars)) {
      yield chunk;
      chunk = [];
      chars = 0;
    }
    chunk.push(row);
    chars += size;
  }
  if (chunk.length > 0) yield chunk;
}
