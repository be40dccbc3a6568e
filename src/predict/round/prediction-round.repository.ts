import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { PredictionConfig } from '../../competition/prediction-config';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { KeysetPosition, microsecondText } from '../../database/keyset-position';
import {
  byRoundThenModel,
  ClaimedPrediction,
  DueRoundOrigin,
  PerformedSpan,
  performedSpan,
  PredictionHealth,
  PredictionRecord,
  PredictionRoundRecord,
  PredictionScoreColumns,
  PredictionStatus,
  RoundCounts,
  ScoredPrediction,
} from './prediction-round';
import type { ModelPrediction, RoundSummary } from './round-summary';
import { encodePayload, payloadBytesSql } from './density-payload-codec';

/** Of `predictions p`: the prediction is in the queue of unscored ones. */
const QUEUED = 'EXISTS (SELECT 1 FROM prediction_unscored u WHERE u.round_id = p.round_id AND u.prediction_id = p.id)';
/** Of `predictions p`: the prediction has a score. */
const SCORED = 'EXISTS (SELECT 1 FROM prediction_scores s WHERE s.prediction_id = p.id AND s.performed_at = p.performed_at)';

/** PostgreSQL's limit of bind parameters per statement. */
const MAX_PARAMS = 65535;
/** Parameters shared by every row of a round's insert ($1..$7). */
const SHARED_PARAMS = 7;
const PARAMS_PER_ROW = 7;

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
/** Unscored predictions already due: how many, and the oldest one's `resolvable_at`. */
export interface UnscoredDue {
  count: number;
  oldestResolvableAt: Date | null;
}

export interface PredictionInsertOutcome {
  inserted: number;
  rejectedPayloads: string[];
}

/**
 * `prediction_rounds`, `predictions`, their scores (`prediction_scores`) and the queue of unscored
 * predictions (`prediction_unscored`): the only SQL on them. The predict loop writes rounds and
 * predictions (a trigger queues each one); scoring cycles find them in the queue, claim them by
 * taking them off it and insert their scores; retention prunes them; the leaderboard and the
 * report read them, with their scores, through the view `predictions_with_scores`. A prediction's
 * own row never changes after it is written (see migration 1764000028000 for why).
 * A round row is claimed by its (config_id, scheduled_at) slot, so a slot runs once even when
 * two instances or a restart race for it; predictions are inserted in multi-row statements
 * whose round-wide values are bound once. Methods taking an EntityManager run inside the
 * caller's (short) transaction.
 *
 * @example
 *   const round = await rounds.claim(record);            // null when the slot already ran
 *   if (round) await rounds.insertPredictions(round, config, predictions);
 */
@Injectable()
export class PredictionRoundRepository {
  private readonly logger = new Logger(PredictionRoundRepository.name);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Creates the round row; false when another round of this config and slot already exists.
   * Claiming a round whose own row is already there answers true again, so a claim retried after
   * a lost answer, or written late from the outage buffer, stays one round per slot.
   * (The outer SELECT does not see the row the CTE inserts: one row either way.)
   */
  async claim(round: PredictionRoundRecord): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH inserted AS (
         INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT ON CONSTRAINT prediction_rounds_schedule_unique DO NOTHING
         RETURNING id)
       SELECT id FROM inserted
       UNION ALL
       SELECT id FROM prediction_rounds WHERE id = $1 AND config_id = $3 AND scheduled_at = $4`,
      [round.id, round.competitionId, round.configId, round.scheduledAt, round.performedAt, round.resolvableAt],
    );
    return rows.length > 0;
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
   * A lost connection is no refusal: it is thrown as it is, for the caller to retry the round.
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
        if (isDatabaseUnavailable(error)) throw error; // not a refused payload: the caller retries the whole round
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
      if (isDatabaseUnavailable(error)) throw error;
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
      tuples.push(`($${n + 1}::uuid, $1::uuid, $${n + 2}, $2::uuid, $3, $4, $5, $${n + 3}, $${n + 4}::bigint, $${n + 5}::json, $${n + 6}::bytea, $${n + 7}, $6::timestamptz, $7::timestamptz)`);
      // The compact form when it renders the text back byte for byte; the text itself otherwise.
      const compact = p.payloadJson === null ? null : encodePayload(p.payloadJson);
      params.push(p.id, p.modelId, p.status, p.execTimeUs === null ? null : Math.round(p.execTimeUs), compact === null ? p.payloadJson : null, compact, p.failureReason);
    }
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, exec_time_us, payload, payload_compact, failure_reason, performed_at, resolvable_at)
       VALUES ${tuples.join(', ')}
       ON CONFLICT ON CONSTRAINT predictions_round_model_unique DO NOTHING
       RETURNING id`,
      params,
    );
    return inserted.length;
  }

  // --- scoring cycles ---

  /**
   * Rounds with unscored predictions resolvable at `nowMs`, oldest first, about `limit`
   * predictions' worth (whole rounds), skipping `excludedRoundIds` (rounds waiting for truth) and
   * predictions resolvable before `fromMs` (a cycle's earlier batches took all of those).
   * Read-only: nothing is locked yet. The queue's index on `resolvable_at` gives the rounds; a
   * second statement counts their queued predictions through the queue's key (in one statement,
   * `round_id = ANY(ARRAY(...))`, the planner did not know the rounds and scanned the whole
   * table), and takes each round's parameter set from one of its predictions.
   * `fromMs` keeps a long cycle from walking again, batch after batch, the index entries of the
   * predictions it has just scored (they stay in the index until vacuumed).
   */
  async findDueRounds(nowMs: number, excludedRoundIds: readonly string[], limit: number, fromMs = 0): Promise<DueRoundOrigin[]> {
    const due: Array<{ round_id: string; performed_at: Date }> = await this.dataSource.query(
      `SELECT DISTINCT round_id, performed_at FROM (
         SELECT round_id, performed_at FROM prediction_unscored
          WHERE resolvable_at <= $1 AND resolvable_at >= $4 AND NOT (round_id = ANY($2::uuid[]))
          ORDER BY resolvable_at
          LIMIT $3) AS first_due`,
      [new Date(nowMs), excludedRoundIds, limit, new Date(fromMs)],
    );
    if (due.length === 0) return [];
    const [where, params] = inSpan(
      'round_id = ANY($2::uuid[]) AND resolvable_at <= $1',
      [new Date(nowMs), due.map((d) => d.round_id)] as const,
      performedSpan(due.map((d) => d.performed_at.getTime())),
    );
    // A second statement, on the rounds' ids: the planner then sizes the work by the few rounds (one
    // statement, estimating a hundred, cost enough to be JIT-compiled on every call: 15 ms each).
    const rows: Array<{ round_id: string; asset: string; horizon: number; step: number; performed_at: Date; resolvable_at: Date; unscored: number; needs_truth: boolean; has_scores: boolean }> =
      await this.dataSource.query(
        `SELECT q.round_id, c.asset, c.horizon, c.step, q.performed_at, q.resolvable_at, q.unscored, q.needs_truth, r.has_scores
           FROM (SELECT round_id, performed_at, min(resolvable_at) AS resolvable_at, count(*)::int AS unscored, bool_or(needs_truth) AS needs_truth
                   FROM prediction_unscored
                  WHERE ${where}
                  GROUP BY round_id, performed_at) AS q
           JOIN prediction_rounds r ON r.id = q.round_id
          CROSS JOIN LATERAL (
            SELECT asset, horizon, step FROM predictions p WHERE p.round_id = q.round_id AND p.performed_at = q.performed_at LIMIT 1) AS c
          ORDER BY q.resolvable_at, q.round_id`,
        params,
      );
    return rows.map((r) => ({
      roundId: r.round_id,
      asset: r.asset,
      horizon: r.horizon,
      step: r.step,
      performedAtMs: r.performed_at.getTime(),
      resolvableAtMs: r.resolvable_at.getTime(),
      unscored: r.unscored,
      needsTruth: r.needs_truth === true,
      hadScores: r.has_scores === true,
    }));
  }

  /**
   * Predictions resolvable at or before `dueBy` and still unscored: how many, and the oldest
   * `resolvable_at` (how far scoring is behind). Read from the queue of unscored predictions.
   */
  async unscoredDue(dueBy: Date): Promise<UnscoredDue> {
    const rows: Array<{ count: number; oldest: Date | null }> = await this.dataSource.query(
      `SELECT count(*)::int AS count, min(resolvable_at) AS oldest FROM prediction_unscored WHERE resolvable_at <= $1`,
      [dueBy],
    );
    return { count: rows[0]?.count ?? 0, oldestResolvableAt: rows[0]?.oldest ?? null };
  }

  /**
   * Locks the rounds nobody else is scoring (void rounds are never scored) and marks them as
   * having scores (rolled back with the claim if it fails); returns the locked rounds, each with
   * whether it had scores before this claim (only those have earlier successes to read).
   */
  async lockRounds(em: EntityManager, roundIds: readonly string[]): Promise<LockedRound[]> {
    if (roundIds.length === 0) return [];
    const rows: Array<{ id: string; has_scores: boolean }> = await em.query(
      `WITH locked AS (
         SELECT id, has_scores FROM prediction_rounds WHERE id = ANY($1::uuid[]) AND voided_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED),
            marked AS (UPDATE prediction_rounds r SET has_scores = true FROM locked l WHERE r.id = l.id AND NOT l.has_scores)
       SELECT id, has_scores FROM locked ORDER BY id`,
      [roundIds],
    );
    return rows.map((r) => ({ id: r.id, hadScores: r.has_scores }));
  }

  /**
   * The unscored, resolvable predictions of these rounds, `partlyScored` naming those some of
   * whose predictions were scored before (`DueRoundOrigin.hadScores`), without locking them (call it outside
   * any transaction: payloads are the bulk of a cycle's reading, and a prediction's row does not
   * change until it is scored). Payloads come as JSON text, and only for successful predictions
   * (the others are scored from their status). By round, then model (code-unit order).
   */
  async readUnscored(roundIds: readonly string[], nowMs: number, performed?: PerformedSpan, partlyScored: readonly string[] = []): Promise<ClaimedPrediction[]> {
    // Only the rounds scored in parts are checked against the queue (one probe a row): every
    // prediction of the others is unscored, as far as this unlocked read can know.
    const [where, params] = inSpan(
      `round_id = ANY($1::uuid[]) AND resolvable_at <= $2 AND (NOT (round_id = ANY($3::uuid[])) OR ${QUEUED})`,
      [roundIds, new Date(nowMs), partlyScored] as const,
      performed,
    );
    return this.readPredictions(this.dataSource.manager, where, params);
  }

  /** Like `readUnscored`, by prediction id, inside the claim transaction (predictions that appeared after the read). */
  async readClaimed(em: EntityManager, ids: readonly string[]): Promise<ClaimedPrediction[]> {
    return this.readPredictions(em, 'id = ANY($1::uuid[])', [ids]);
  }

  /**
   * Claims the unscored, resolvable predictions of locked rounds by taking them off the queue (the
   * rows come back if the transaction rolls back; a concurrent claim of the same row waits for
   * this one and finds it gone): their ids, in no particular order.
   */
  async claimUnscored(em: EntityManager, roundIds: readonly string[], nowMs: number, performed?: PerformedSpan): Promise<string[]> {
    if (roundIds.length === 0) return [];
    const [where, params] = inSpan('round_id = ANY($1::uuid[]) AND resolvable_at <= $2', [roundIds, new Date(nowMs)], performed);
    const rows: Array<{ prediction_id: string }> = await em.query(
      `WITH claimed AS (DELETE FROM prediction_unscored WHERE ${where} RETURNING prediction_id) SELECT prediction_id FROM claimed`,
      params,
    );
    return rows.map((r) => r.prediction_id);
  }

  private async readPredictions(runner: EntityManager, where: string, params: [readonly string[], ...unknown[]]): Promise<ClaimedPrediction[]> {
    if (params[0].length === 0) return [];
    const rows: Array<{
      id: string;
      round_id: string;
      model_id: string;
      asset: string;
      horizon: number;
      step: number;
      status: PredictionStatus;
      payload_json: string | null;
      payload_base64: string | null;
      failure_reason: string | null;
      performed_at: Date;
      resolvable_at: Date;
    }> = await runner.query(
      // Compact payloads travel as base64 text: a third shorter than bytea's hex output, and
      // decoded twice as fast (base64 decoding of 100,000 hourly payloads: 0.25 s; hex: 0.54 s).
      `SELECT id, round_id, model_id, asset, horizon, step, status,
              CASE WHEN status = 'SUCCESS' AND payload_compact IS NULL THEN payload::text END AS payload_json,
              CASE WHEN status = 'SUCCESS' THEN encode(payload_compact, 'base64') END AS payload_base64,
              failure_reason, performed_at, resolvable_at
         FROM predictions p
        WHERE ${where}`,
      params,
    );
    const compact = decodeBase64Payloads(rows.map((r) => r.payload_base64));
    const predictions: ClaimedPrediction[] = rows.map((r, i) => ({
      id: r.id,
      roundId: r.round_id,
      modelId: r.model_id,
      asset: r.asset,
      horizon: r.horizon,
      step: r.step,
      status: r.status,
      payloadJson: r.payload_json ?? null,
      payloadCompact: compact[i],
      failureReason: r.failure_reason ?? null,
      performedAtMs: r.performed_at.getTime(),
      resolvableAtMs: r.resolvable_at.getTime(),
    }));
    // Sorted here rather than by the statement: a thousand rows with their payloads overflow
    // work_mem, and PostgreSQL sorted them on disk (8-30 ms a batch against 2-8 ms for the read).
    return predictions.sort(byRoundThenModel);
  }

  /**
   * Successful scores already stored for these rounds (a round scored in parts keeps one penalty
   * basis). The rounds' rows are looked up by round first (MATERIALIZED), so the planner cannot
   * walk the index of every scored prediction instead when its statistics predate the scoring.
   */
  async earlierSuccesses(em: EntityManager, roundIds: readonly string[], performed?: PerformedSpan): Promise<Map<string, number[]>> {
    const byRound = new Map<string, number[]>();
    if (roundIds.length === 0) return byRound;
    const [where, params] = inSpan('round_id = ANY($1::uuid[])', [roundIds], performed);
    const rows: Array<{ round_id: string; score_value: number }> = await em.query(
      `WITH round_predictions AS MATERIALIZED (
         SELECT id, round_id, performed_at FROM predictions WHERE ${where})
       SELECT p.round_id, s.score_value FROM round_predictions p
         JOIN prediction_scores s ON s.prediction_id = p.id AND s.performed_at = p.performed_at
        WHERE s.score_success AND s.score_value IS NOT NULL`,
      params,
    );
    for (const r of rows) {
      const list = byRound.get(r.round_id) ?? [];
      list.push(r.score_value);
      byRound.set(r.round_id, list);
    }
    return byRound;
  }

  /** Writes scores of claimed predictions; returns how many rows were written. */
  async writeScores(em: EntityManager, scores: readonly PredictionScoreColumns[], scoredAtMs: number): Promise<number> {
    if (scores.length === 0) return 0;
    // A second score of one prediction breaks the key and fails the claim: it cannot be claimed twice.
    const [{ n }]: Array<{ n: number }> = await em.query(
      `WITH written AS (
         INSERT INTO prediction_scores (prediction_id, performed_at, score_value, score_success, score_failed_reason, scored_at)
         SELECT id, performed_at, value, success, reason, $5
           FROM unnest($1::uuid[], $2::float8[], $3::bool[], $4::text[], $6::timestamptz[]) AS s(id, value, success, reason, performed_at)
         RETURNING 1)
       SELECT count(*)::int AS n FROM written`,
      [
        scores.map((s) => s.id),
        scores.map((s) => s.value),
        scores.map((s) => s.success),
        scores.map((s) => s.failedReason),
        new Date(scoredAtMs),
        scores.map((s) => new Date(s.performedAtMs)),
      ],
    );
    return n;
  }

  // --- voiding a round and rescoring a range (admin actions; src/score/rescore) ---

  /** Locks one round (waiting for a cycle that holds it) and says whether it is void; null when unknown. */
  async lockRoundForVoid(em: EntityManager, roundId: string): Promise<RoundVoidState | null> {
    const rows: Array<{ id: string; voided_at: Date | null; void_reason: string | null }> = await em.query(
      `SELECT id, voided_at, void_reason FROM prediction_rounds WHERE id = $1 FOR UPDATE`,
      [roundId],
    );
    return rows.length === 0 ? null : { roundId: rows[0].id, voidedAt: rows[0].voided_at, voidReason: rows[0].void_reason };
  }

  /**
   * Marks the round void and takes the scores off its predictions (`score_failed_reason` says why;
   * those never scored are taken off the queue and given an empty score, so no cycle claims them).
   * Returns the predictions changed. (The UPDATE does not see the rows the INSERT beside it writes:
   * one statement's parts share a snapshot.)
   */
  async markRoundVoid(em: EntityManager, roundId: string, reason: string, atMs: number): Promise<number> {
    await em.query(`UPDATE prediction_rounds SET voided_at = $2, void_reason = $3 WHERE id = $1`, [roundId, new Date(atMs), reason]);
    const [{ n }]: Array<{ n: number }> = await em.query(
      `WITH queued AS (DELETE FROM prediction_unscored WHERE round_id = $1 RETURNING prediction_id, performed_at),
            closed AS (
              INSERT INTO prediction_scores (prediction_id, performed_at, score_value, score_success, score_failed_reason, scored_at)
              SELECT prediction_id, performed_at, NULL, NULL, $3, $2 FROM queued RETURNING 1),
            cleared AS (
              UPDATE prediction_scores s SET score_value = NULL, score_success = NULL, score_failed_reason = $3
                FROM predictions p
               WHERE p.round_id = $1 AND s.prediction_id = p.id AND s.performed_at = p.performed_at RETURNING 1)
       SELECT ((SELECT count(*) FROM closed) + (SELECT count(*) FROM cleared))::int AS n`,
      [roundId, new Date(atMs), voidedReason(reason)],
    );
    return n;
  }

  /** Closes, unscored, the unscored predictions of those of `roundIds` that are void (written after the void). */
  async closeVoidedRounds(em: EntityManager, roundIds: readonly string[], atMs: number): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await em.query(
      `WITH queued AS (
         DELETE FROM prediction_unscored u USING prediction_rounds r
          WHERE r.id = ANY($1::uuid[]) AND r.voided_at IS NOT NULL AND u.round_id = r.id
          RETURNING u.prediction_id, u.performed_at, r.void_reason),
            closed AS (
              INSERT INTO prediction_scores (prediction_id, performed_at, score_value, score_success, score_failed_reason, scored_at)
              SELECT prediction_id, performed_at, NULL, NULL, $3 || void_reason, $2 FROM queued RETURNING 1)
       SELECT count(*)::int AS n FROM closed`,
      [roundIds, new Date(atMs), voidedReason('')],
    );
    return n;
  }

  /** The stored scores of the scored predictions of `roundIds` (inside the caller's transaction). */
  async storedScores(em: EntityManager, roundIds: readonly string[]): Promise<StoredPredictionScore[]> {
    if (roundIds.length === 0) return [];
    const rows: Array<{
      id: string;
      round_id: string;
      model_id: string;
      asset: string;
      horizon: number;
      step: number;
      performed_at: Date;
      resolvable_at: Date;
      scored_at: Date;
      score_value: number | null;
      score_success: boolean | null;
      score_failed_reason: string | null;
    }> = await em.query(
      `SELECT id, round_id, model_id, asset, horizon, step, performed_at, resolvable_at, scored_at, score_value, score_success, score_failed_reason
         FROM predictions_with_scores WHERE round_id = ANY($1::uuid[]) AND scored_at IS NOT NULL ORDER BY round_id, model_id`,
      [roundIds],
    );
    return rows.map((r) => ({
      id: r.id,
      performedAtMs: r.performed_at.getTime(),
      roundId: r.round_id,
      modelId: r.model_id,
      param: `${r.asset}-${r.horizon}-${r.step}`,
      resolvableAtMs: r.resolvable_at.getTime(),
      scoredAtMs: r.scored_at.getTime(),
      value: r.score_value,
      success: r.score_success === true,
      counted: r.score_success !== null,
      failedReason: r.score_failed_reason,
    }));
  }

  /** How many rounds a rescore of `resolvable_at` in [from, to] goes through (not void, with scored predictions). */
  async countRoundsToRescore(fromMs: number, toMs: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM prediction_rounds r
        WHERE r.resolvable_at BETWEEN $1 AND $2 AND r.voided_at IS NULL
          AND EXISTS (SELECT 1 FROM predictions_with_scores p WHERE p.round_id = r.id AND p.scored_at IS NOT NULL)`,
      [new Date(fromMs), new Date(toMs)],
    );
    return rows[0]?.n ?? 0;
  }

  /** The next `limit` of those rounds after `after` (by resolvable_at, then id): a rescore's resumable walk. */
  async roundsToRescore(fromMs: number, toMs: number, after: RescoreCursor | null, limit: number): Promise<RescoreCursor[]> {
    const rows: Array<{ id: string; resolvable_at: Date }> = await this.dataSource.query(
      `SELECT r.id, r.resolvable_at FROM prediction_rounds r
        WHERE r.resolvable_at BETWEEN $1 AND $2 AND r.voided_at IS NULL
          AND ($3::timestamptz IS NULL OR (r.resolvable_at, r.id) > ($3::timestamptz, $4::uuid))
          AND EXISTS (SELECT 1 FROM predictions_with_scores p WHERE p.round_id = r.id AND p.scored_at IS NOT NULL)
        ORDER BY r.resolvable_at, r.id LIMIT $5`,
      [new Date(fromMs), new Date(toMs), after === null ? null : new Date(after.resolvableAtMs), after?.roundId ?? null, limit],
    );
    return rows.map((r) => ({ roundId: r.id, resolvableAtMs: r.resolvable_at.getTime() }));
  }

  /** The scored predictions of `roundIds` as a cycle reads them, with when each was scored (outside any transaction). */
  async readScoredForRescore(roundIds: readonly string[]): Promise<Array<ClaimedPrediction & { scoredAtMs: number }>> {
    if (roundIds.length === 0) return [];
    const rows: Array<{ id: string; scored_at: Date }> = await this.dataSource.query(
      `SELECT id, scored_at FROM predictions_with_scores WHERE round_id = ANY($1::uuid[]) AND scored_at IS NOT NULL`,
      [roundIds],
    );
    const scoredAt = new Map(rows.map((r) => [r.id, r.scored_at.getTime()]));
    const predictions = await this.readPredictions(this.dataSource.manager, `round_id = ANY($1::uuid[]) AND ${SCORED}`, [roundIds]);
    return predictions.filter((p) => scoredAt.has(p.id)).map((p) => ({ ...p, scoredAtMs: scoredAt.get(p.id)! }));
  }

  /** Locks rounds for a rescore batch (waiting for a cycle or a void holding them); returns those not void. */
  async lockRoundsForRescore(em: EntityManager, roundIds: readonly string[]): Promise<string[]> {
    if (roundIds.length === 0) return [];
    const rows: Array<{ id: string; voided_at: Date | null }> = await em.query(
      `SELECT id, voided_at FROM prediction_rounds WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [roundIds],
    );
    return rows.filter((r) => r.voided_at === null).map((r) => r.id);
  }

  /** Replaces the scores of already scored predictions, keeping when they were scored; returns the rows written. */
  async rewriteScores(em: EntityManager, scores: readonly PredictionScoreColumns[]): Promise<number> {
    if (scores.length === 0) return 0;
    const result = await em.query(
      // By id and performed_at (the scores' key): each row is looked up in its own partition only.
      `UPDATE prediction_scores p
          SET score_value = s.value, score_success = s.success, score_failed_reason = s.reason
         FROM unnest($1::uuid[], $2::float8[], $3::bool[], $4::text[], $5::timestamptz[]) AS s(id, value, success, reason, performed_at)
        WHERE p.prediction_id = s.id AND p.performed_at = s.performed_at`,
      [scores.map((s) => s.id), scores.map((s) => s.value), scores.map((s) => s.success), scores.map((s) => s.failedReason), scores.map((s) => new Date(s.performedAtMs))],
    );
    return affectedRows(result);
  }

  /**
   * Per model and parameter set, the sums of every window at `atMs` over the predictions scored
   * by then: what the window buckets held at that cycle (a prediction scored at T has
   * resolvable_at <= T, and a window start is a bucket start), read back to recompute the
   * snapshots and leaderboards of past cycles. Void rounds' predictions carry no score.
   */
  async windowTotalsAsOf(atMs: number, windowStartsMs: readonly number[]): Promise<ParamWindowSums[]> {
    const columns = windowStartsMs
      .map((_, i) => {
        const within = `FILTER (WHERE resolvable_at >= $${i + 3})`;
        return `coalesce(sum(score_value) ${within}, 0) AS s${i}, count(score_value) ${within} AS c${i}, count(*) FILTER (WHERE score_success = false AND resolvable_at >= $${i + 3}) AS f${i}`;
      })
      .join(',\n              ');
    const earliest = new Date(Math.min(...windowStartsMs));
    const rows: Array<{ model_id: string; asset: string; horizon: number; step: number } & Record<string, number | string>> = await this.dataSource.query(
      `SELECT model_id, asset, horizon, step,
              ${columns}
         FROM predictions_with_scores
        WHERE scored_at IS NOT NULL AND scored_at BETWEEN $1 AND $2 AND resolvable_at >= $1
        GROUP BY model_id, asset, horizon, step`,
      [earliest, new Date(atMs), ...windowStartsMs.map((ms) => new Date(ms))],
    );
    return rows.map((r) => ({
      modelId: r.model_id,
      param: `${r.asset}-${r.horizon}-${r.step}`,
      totals: windowStartsMs.map((_, i) => ({ sum: Number(r[`s${i}`]), count: Number(r[`c${i}`]), failed: Number(r[`f${i}`]) })),
    }));
  }

  // --- retention (bounded batches: short statements, so the embedded engine keeps serving reads between them) ---

  /** Predictions scored before `cutoff` (unscored ones are never pruned); their scores go with them (the DELETE trigger). */
  prunePredictionsScoredBefore(cutoff: Date, batch = 10_000): Promise<number> {
    return this.inBatches(`DELETE FROM predictions WHERE id IN (SELECT prediction_id FROM prediction_scores WHERE scored_at < $1 LIMIT $2)`, cutoff, batch);
  }

  /** Prediction rounds performed before `cutoff` whose predictions have all been pruned. */
  pruneEmptyRoundsBefore(cutoff: Date, batch = 10_000): Promise<number> {
    return this.inBatches(
      `DELETE FROM prediction_rounds WHERE id IN (
         SELECT r.id FROM prediction_rounds r
          WHERE r.performed_at < $1 AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.round_id = r.id)
          LIMIT $2)`,
      cutoff,
      batch,
    );
  }

  private async inBatches(sql: string, cutoff: Date, batch: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = affectedRows(await this.dataSource.query(sql, [cutoff, batch]));
      total += deleted;
      if (deleted < batch) return total;
    }
  }

  // --- reads for the leaderboard and the report ---

  /**
   * Each model's largest stored answer, in bytes of its text (what `model.maxPredictionBytes`
   * bounds), over a competition's rounds or over the given rounds: stored as text or compact alike.
   */
  async largestPayloadBytes(scope: { competitionId: string } | { roundIds: readonly string[] }): Promise<Map<string, number>> {
    const [rounds, param] =
      'competitionId' in scope
        ? ['JOIN prediction_rounds r ON r.id = p.round_id WHERE r.competition_id = $1', scope.competitionId]
        : ['WHERE p.round_id = ANY($1::uuid[])', [...scope.roundIds]];
    const rows: Array<{ model_id: string; bytes: string | number | null }> = await this.dataSource.query(
      `SELECT p.model_id, max(${payloadBytesSql('p')}) AS bytes
         FROM predictions p ${rounds} AND (p.payload IS NOT NULL OR p.payload_compact IS NOT NULL)
        GROUP BY p.model_id`,
      [param],
    );
    return new Map(rows.filter((r) => r.bytes !== null).map((r) => [r.model_id, Number(r.bytes)]));
  }

  /**
   * Status of each model's latest prediction (one index probe per model). With `recentSince`, the
   * probes look only at predictions performed since then first, and search the whole history only
   * for the models that have none: on the partitioned table an unbounded probe merges every
   * partition (the default partition stops PostgreSQL reading them newest first), measured at
   * 500-530 ms for 10,000 models over 30 daily partitions against 33 ms bounded to a day.
   */
  async lastStatuses(modelIds: readonly string[], recentSince?: Date): Promise<Map<string, PredictionStatus>> {
    if (modelIds.length === 0) return new Map();
    const statuses = new Map<string, PredictionStatus>();
    if (recentSince !== undefined) {
      for (const [modelId, status] of await this.latestStatusRows(modelIds, recentSince)) statuses.set(modelId, status);
    }
    const missing = statuses.size === 0 ? modelIds : modelIds.filter((id) => !statuses.has(id));
    if (missing.length > 0) for (const [modelId, status] of await this.latestStatusRows(missing, null)) statuses.set(modelId, status);
    return statuses;
  }

  private async latestStatusRows(modelIds: readonly string[], since: Date | null): Promise<Array<[string, PredictionStatus]>> {
    // Two texts rather than `$2 IS NULL OR ...`, so the bounded one always prunes partitions.
    const bound = since === null ? '' : 'AND performed_at >= $2::timestamptz';
    const rows: Array<{ model_id: string; status: PredictionStatus }> = await this.dataSource.query(
      `SELECT m.model_id, p.status
         FROM unnest($1::text[]) AS m(model_id)
         CROSS JOIN LATERAL (
           SELECT status FROM predictions WHERE predictions.model_id = m.model_id ${bound} ORDER BY performed_at DESC LIMIT 1
         ) p`,
      since === null ? [modelIds] : [modelIds, since],
    );
    return rows.map((r) => [r.model_id, r.status]);
  }

  /**
   * Up to `limit` of the scored predictions of `modelIds` with `start <= performed_at <= end`,
   * newest first (performed_at DESC, id DESC), after the keyset position `after` or else past
   * `offset` rows.
   */
  async scoredPredictions(
    modelIds: readonly string[],
    start: Date,
    end: Date,
    limit: number,
    position: { after?: KeysetPosition; offset: number },
  ): Promise<ScoredPrediction[]> {
    const params: unknown[] = [[...modelIds], start.toISOString(), end.toISOString(), limit];
    let keyset = '';
    let offset = '';
    if (position.after) {
      params.push(position.after.at, position.after.id);
      keyset = `AND (performed_at, id) < ($5::timestamptz, $6::uuid)`;
    } else if (position.offset > 0) {
      params.push(position.offset);
      offset = `OFFSET $5`;
    }
    const rows: ScoredPredictionRow[] = await this.dataSource.query(
      `SELECT ${SCORED_COLUMNS}
         FROM predictions_with_scores
        WHERE model_id = ANY($1::text[]) AND performed_at BETWEEN $2::timestamptz AND $3::timestamptz
          AND scored_at IS NOT NULL ${keyset}
        ORDER BY performed_at DESC, id DESC LIMIT $4 ${offset}`,
      params,
    );
    return rows.map(toScoredPrediction);
  }

  /** How many scored predictions of `modelIds` lie in [start, end], counting no further than `atMost + 1` (a bounded read). */
  async countScoredPredictions(modelIds: readonly string[], start: Date, end: Date, atMost: number): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM predictions_with_scores
          WHERE model_id = ANY($1::text[]) AND performed_at BETWEEN $2::timestamptz AND $3::timestamptz AND scored_at IS NOT NULL
          LIMIT $4) AS bounded`,
      [[...modelIds], start.toISOString(), end.toISOString(), atMost + 1],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * One scored prediction per model, parameter set of `paramSets` and `bucketSeconds`-long bucket
   * of [start, end] (the newest of its bucket), newest first, at most `limit` (the newest kept):
   * how a chart gets the whole range when its rows do not fit in one body. One index probe per
   * model, parameter set and bucket, so the cost follows the body more than the range (measured on
   * PostgreSQL, 30 days of 10 models x 6 parameter sets every 2 minutes, 1.3 M rows: 0.55-0.8 s,
   * against 6.8-7.8 s for DISTINCT ON over the range).
   */
  async sampledScoredPredictions(
    modelIds: readonly string[],
    paramSets: readonly Pick<PredictionConfig, 'asset' | 'horizon' | 'step'>[],
    start: Date,
    end: Date,
    bucketSeconds: number,
    limit: number,
  ): Promise<ScoredPrediction[]> {
    const rows: ScoredPredictionRow[] = await this.dataSource.query(
      `SELECT p.* FROM (SELECT DISTINCT unnest($1::text[]) AS model_id) AS m
        CROSS JOIN unnest($6::text[], $7::int[], $8::int[]) AS c(asset, horizon, step)
        CROSS JOIN generate_series(0, floor(extract(epoch from $3::timestamptz - $2::timestamptz) / $4::float8)::int) AS b(n)
        CROSS JOIN LATERAL (
          SELECT ${SCORED_COLUMNS}
            FROM predictions_with_scores p
           WHERE p.model_id = m.model_id AND p.asset = c.asset AND p.horizon = c.horizon AND p.step = c.step
             AND performed_at >= $2::timestamptz + b.n * $4::float8 * interval '1 second'
             AND performed_at < $2::timestamptz + (b.n + 1) * $4::float8 * interval '1 second'
             AND performed_at <= $3::timestamptz AND scored_at IS NOT NULL
           ORDER BY performed_at DESC, id DESC LIMIT 1) AS p
        ORDER BY p.performed_at DESC, p.id DESC LIMIT $5`,
      [[...modelIds], start.toISOString(), end.toISOString(), bucketSeconds, limit, paramSets.map((c) => c.asset), paramSets.map((c) => c.horizon), paramSets.map((c) => c.step)],
    );
    return rows.map(toScoredPrediction);
  }

  /** Per model of `modelIds` with predictions in `since <= performed_at <= until`: statuses and execution times. */
  async health(modelIds: readonly string[], since: Date, until: Date): Promise<Map<string, PredictionHealth>> {
    if (modelIds.length === 0) return new Map();
    const rows: Array<{
      model_id: string;
      success: number;
      failed: number;
      timeout: number;
      absent: number;
      exec_avg_us: number | null;
      exec_p50_us: number | null;
      exec_p95_us: number | null;
      exec_max_us: number | null;
      last_status: PredictionStatus | null;
      last_performed_at: Date | null;
      last_failure_reason: string | null;
    }> = await this.dataSource.query(
      `WITH window_predictions AS (
         SELECT p.* FROM predictions p
          WHERE p.model_id = ANY($1::text[]) AND p.performed_at BETWEEN $2::timestamptz AND $3::timestamptz
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
       SELECT s.model_id, s.success, s.failed, s.timeout, s.absent,
              s.exec_avg_us, s.exec_p50_us, s.exec_p95_us, s.exec_max_us,
              l.status AS last_status, l.performed_at AS last_performed_at,
              f.failure_reason AS last_failure_reason
         FROM stats s
         LEFT JOIN last l ON l.model_id = s.model_id
         LEFT JOIN last_failure f ON f.model_id = s.model_id`,
      [[...modelIds], since.toISOString(), until.toISOString()],
    );
    return new Map(
      rows.map((r) => [
        r.model_id,
        {
          modelId: r.model_id,
          counts: { SUCCESS: r.success, FAILED: r.failed, TIMEOUT: r.timeout, ABSENT: r.absent },
          execAvgUs: r.exec_avg_us,
          execP50Us: r.exec_p50_us,
          execP95Us: r.exec_p95_us,
          execMaxUs: r.exec_max_us,
          lastStatus: r.last_status,
          lastPerformedAt: r.last_performed_at,
          lastFailureReason: r.last_failure_reason,
        },
      ]),
    );
  }

  // --- reads for the rounds view and the model page ---

  /**
   * The newest rounds of a competition (performed_at DESC, id DESC), after the keyset position
   * `before`, at most `limit`, each with its predictions counted by status and by scoring progress.
   * With `modelId`, only the rounds that model took part in, counting its own prediction only
   * (its page starts from its predictions' index). The void marker is read through `to_jsonb` of
   * the row, so this read stands before and after the migration that adds `voided_at`/`void_reason`.
   */
  async recentRounds(competitionId: string, opts: { limit: number; before?: KeysetPosition; modelId?: string }): Promise<RoundSummary[]> {
    const params: unknown[] = [competitionId, opts.limit];
    const keyset = (column: string, id: string) => {
      if (!opts.before) return '';
      params.push(opts.before.at, opts.before.id);
      return `AND (${column}, ${id}) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    };
    let page: string;
    let ownPrediction = '';
    if (opts.modelId === undefined) {
      page = `SELECT r.id FROM prediction_rounds r
                WHERE r.competition_id = $1 ${keyset('r.performed_at', 'r.id')}
                ORDER BY r.performed_at DESC, r.id DESC LIMIT $2`;
    } else {
      params.push(opts.modelId);
      const model = `$${params.length}`;
      ownPrediction = `AND p.model_id = ${model}`;
      page = `SELECT p.round_id AS id FROM predictions p
                WHERE p.model_id = ${model} ${keyset('p.performed_at', 'p.round_id')}
                ORDER BY p.performed_at DESC, p.round_id DESC LIMIT $2`;
    }
    const rows: RoundSummaryRow[] = await this.dataSource.query(
      `WITH page AS (${page})
       SELECT r.id, c.asset, c.horizon, c.step, r.scheduled_at, r.performed_at, r.resolvable_at,
              ${microsecondText('r.performed_at')} AS cursor_at,
              to_jsonb(r) ->> 'voided_at' AS voided_at, to_jsonb(r) ->> 'void_reason' AS void_reason,
              s.success, s.failed, s.timeout, s.absent, s.scored, s.unscored
         FROM page
         JOIN prediction_rounds r ON r.id = page.id AND r.competition_id = $1
         JOIN prediction_configs c ON c.id = r.config_id
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE p.status = 'SUCCESS')::int AS success,
                  count(*) FILTER (WHERE p.status = 'FAILED')::int AS failed,
                  count(*) FILTER (WHERE p.status = 'TIMEOUT')::int AS timeout,
                  count(*) FILTER (WHERE p.status = 'ABSENT')::int AS absent,
                  count(*) FILTER (WHERE p.scored_at IS NOT NULL)::int AS scored,
                  count(*) FILTER (WHERE p.scored_at IS NULL)::int AS unscored
             FROM predictions_with_scores p WHERE p.round_id = r.id ${ownPrediction}) s
        ORDER BY r.performed_at DESC, r.id DESC`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      asset: r.asset,
      horizon: r.horizon,
      step: r.step,
      scheduledAt: r.scheduled_at,
      performedAt: r.performed_at,
      resolvableAt: r.resolvable_at,
      counts: { SUCCESS: r.success, FAILED: r.failed, TIMEOUT: r.timeout, ABSENT: r.absent },
      scoredCount: r.scored,
      unscoredCount: r.unscored,
      voidedAt: r.voided_at === null ? null : new Date(r.voided_at),
      voidReason: r.void_reason,
      cursorAt: r.cursor_at,
    }));
  }

  /** A model's newest predictions of any status (performed_at DESC, id DESC), after `before`, at most `limit`; payloads left out. */
  async latestPredictions(modelId: string, opts: { limit: number; before?: KeysetPosition }): Promise<ModelPrediction[]> {
    const params: unknown[] = [modelId, opts.limit];
    let keyset = '';
    if (opts.before) {
      params.push(opts.before.at, opts.before.id);
      keyset = `AND (performed_at, id) < ($3::timestamptz, $4::uuid)`;
    }
    const rows: ModelPredictionRow[] = await this.dataSource.query(
      `SELECT id, round_id, asset, horizon, step, status, exec_time_us::float8 AS exec_time_us, failure_reason, performed_at, resolvable_at,
              score_value, score_success, score_failed_reason, scored_at, ${microsecondText('performed_at')} AS cursor_at
         FROM predictions_with_scores
        WHERE model_id = $1 ${keyset}
        ORDER BY performed_at DESC, id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      roundId: r.round_id,
      asset: r.asset,
      horizon: r.horizon,
      step: r.step,
      status: r.status,
      execTimeUs: r.exec_time_us,
      failureReason: r.failure_reason,
      performedAt: r.performed_at,
      resolvableAt: r.resolvable_at,
      scoreValue: r.score_value,
      scoreSuccess: r.score_success,
      scoreFailedReason: r.score_failed_reason,
      scoredAt: r.scored_at,
      cursorAt: r.cursor_at,
    }));
  }
}

interface RoundSummaryRow {
  id: string;
  asset: string;
  horizon: number;
  step: number;
  scheduled_at: Date;
  performed_at: Date;
  resolvable_at: Date;
  cursor_at: string;
  voided_at: string | null;
  void_reason: string | null;
  success: number;
  failed: number;
  timeout: number;
  absent: number;
  scored: number;
  unscored: number;
}

interface ModelPredictionRow {
  id: string;
  round_id: string;
  asset: string;
  horizon: number;
  step: number;
  status: PredictionStatus;
  exec_time_us: number | null;
  failure_reason: string | null;
  performed_at: Date;
  resolvable_at: Date;
  score_value: number | null;
  score_success: boolean | null;
  score_failed_reason: string | null;
  scored_at: Date | null;
  cursor_at: string;
}

const SCORED_COLUMNS = `id, model_id, asset, horizon, step, score_value, score_success, score_failed_reason,
       scored_at, performed_at, ${microsecondText('performed_at')} AS cursor_at`;

interface ScoredPredictionRow {
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

function toScoredPrediction(r: ScoredPredictionRow): ScoredPrediction {
  return {
    id: r.id,
    modelId: r.model_id,
    asset: r.asset,
    horizon: r.horizon,
    step: r.step,
    scoreValue: r.score_value,
    scoreSuccess: r.score_success,
    scoreFailedReason: r.score_failed_reason,
    scoredAt: r.scored_at,
    performedAt: r.performed_at,
    cursorAt: r.cursor_at,
  };
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

/** TypeORM returns `[rows, affected]` for UPDATE and DELETE on PostgreSQL. */
function affectedRows(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}

/** A round a claim locked, and whether some of its predictions were scored before. */
export interface LockedRound {
  id: string;
  hadScores: boolean;
}

/** A round's void marker, read under its row lock. */
export interface RoundVoidState {
  roundId: string;
  voidedAt: Date | null;
  voidReason: string | null;
}

/** Where a rescore's walk over rounds stands (the last round done). */
export interface RescoreCursor {
  roundId: string;
  resolvableAtMs: number;
}

/**
 * A scored prediction's stored score, as its window bucket counted it: `counted` false when it
 * counts in no bucket (its round was void). `param` is the bucket's parameter-set key.
 */
export interface StoredPredictionScore extends PredictionScoreColumns {
  roundId: string;
  modelId: string;
  param: string;
  resolvableAtMs: number;
  scoredAtMs: number;
  counted: boolean;
}

/** Per model and parameter set, the sum, count and failures of each window (score's WindowTotals). */
export interface ParamWindowSums {
  modelId: string;
  param: string;
  totals: Array<{ sum: number; count: number; failed: number }>;
}

/** The failure reason a void round's predictions carry. */
export function voidedReason(reason: string): string {
  return `round voided: ${reason}`;
}

/**
 * Base64 payloads (null stays null) decoded into one buffer for them all, each at an offset that
 * is a multiple of 8: its float64 section is then read in place (density-payload-codec.ts copies
 * a misaligned one), and a batch allocates one buffer instead of two per payload, whose
 * collection cost more than the decoding.
 */
function decodeBase64Payloads(encoded: ReadonlyArray<string | null>): Array<Uint8Array | null> {
  let capacity = 0;
  for (const text of encoded) if (text !== null) capacity += alignedTo8(Buffer.byteLength(text, 'base64'));
  const buffer = Buffer.from(new ArrayBuffer(capacity));
  let offset = 0;
  return encoded.map((text) => {
    if (text === null) return null;
    const written = buffer.write(text, offset, 'base64');
    const bytes = buffer.subarray(offset, offset + written);
    offset += alignedTo8(written);
    return bytes;
  });
}

function alignedTo8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/**
 * `where` narrowed to predictions performed within `performed` (the partitions of the rounds it
 * names), when the caller knows it: by round id alone every partition's index is probed.
 */
function inSpan<P extends readonly unknown[]>(where: string, params: P, performed: PerformedSpan | undefined): [string, [...P, ...Date[]]] {
  if (performed === undefined) return [where, [...params]];
  const n = params.length;
  return [`${where} AND performed_at BETWEEN $${n + 1} AND $${n + 2}`, [...params, new Date(performed.fromMs), new Date(performed.toMs)]];
}
