import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { BucketIncrement } from './bucket-increments';
import type { PredictionStatus } from '../predict/round/prediction-round';
import type { ClaimedPrediction, PredictionScore } from './round-scoring';

/** A ground-truth origin shared by some unscored predictions of a due round. */
export interface DueRoundOrigin {
  roundId: string;
  asset: string;
  horizon: number;
  step: number;
  performedAtMs: number;
  resolvableAtMs: number;
  unscored: number;
  /** False when none of them succeeded: no ground truth is needed to score them. */
  needsTruth: boolean;
}

/**
 * The SQL of scoring cycles: finding due rounds, reading their predictions, claiming them with
 * `FOR UPDATE SKIP LOCKED`, and writing scores and bucket increments. Methods taking an
 * EntityManager run inside the caller's (short) transaction.
 */
@Injectable()
export class ScoreCycleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Rounds with unscored predictions resolvable at `nowMs`, oldest first, about `limit`
   * predictions' worth (whole rounds), skipping `excludedRoundIds` (rounds waiting for truth).
   * Read-only: nothing is locked yet. (`= ANY(ARRAY(...))` rather than `IN (...)`: the planner
   * then looks the few due rounds up by index instead of scanning every prediction.)
   */
  async findDueRounds(nowMs: number, excludedRoundIds: readonly string[], limit: number): Promise<DueRoundOrigin[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH due AS (
         SELECT round_id FROM predictions
          WHERE scored_at IS NULL AND resolvable_at <= $1 AND NOT (round_id = ANY($2::uuid[]))
          ORDER BY resolvable_at
          LIMIT $3)
       SELECT round_id, asset, horizon, step, performed_at,
              min(resolvable_at) AS resolvable_at, count(*)::int AS unscored, bool_or(status = 'SUCCESS') AS needs_truth
         FROM predictions
        WHERE round_id = ANY(ARRAY(SELECT DISTINCT round_id FROM due)) AND scored_at IS NULL AND resolvable_at <= $1
        GROUP BY round_id, asset, horizon, step, performed_at
        ORDER BY min(resolvable_at), round_id`,
      [new Date(nowMs), excludedRoundIds, limit],
    );
    return rows.map((r) => ({
      roundId: String(r.round_id),
      asset: String(r.asset),
      horizon: Number(r.horizon),
      step: Number(r.step),
      performedAtMs: (r.performed_at as Date).getTime(),
      resolvableAtMs: (r.resolvable_at as Date).getTime(),
      unscored: Number(r.unscored),
      needsTruth: r.needs_truth === true,
    }));
  }

  /** Locks the rounds nobody else is scoring; returns the locked ids. */
  async lockRounds(em: EntityManager, roundIds: readonly string[]): Promise<string[]> {
    if (roundIds.length === 0) return [];
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM prediction_rounds WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED`,
      [roundIds],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The unscored, resolvable predictions of these rounds, without locking them (call it outside
   * any transaction: payloads are the bulk of a cycle's reading, and a prediction's row does not
   * change until it is scored). Payloads come as JSON text, and only for successful predictions
   * (the others are scored from their status). Ordered like `claimUnscored`.
   */
  async readUnscored(roundIds: readonly string[], nowMs: number): Promise<ClaimedPrediction[]> {
    return this.readPredictions(this.dataSource.manager, 'round_id = ANY($1::uuid[]) AND scored_at IS NULL AND resolvable_at <= $2', [roundIds, new Date(nowMs)]);
  }

  /** Like `readUnscored`, by prediction id, inside the claim transaction (predictions that appeared after the read). */
  async readClaimed(em: EntityManager, ids: readonly string[]): Promise<ClaimedPrediction[]> {
    return this.readPredictions(em, 'id = ANY($1::uuid[])', [ids]);
  }

  /**
   * Claims the unscored, resolvable predictions of locked rounds (row locks until commit): their
   * ids, by round then model.
   */
  async claimUnscored(em: EntityManager, roundIds: readonly string[], nowMs: number): Promise<string[]> {
    if (roundIds.length === 0) return [];
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM predictions
        WHERE round_id = ANY($1::uuid[]) AND scored_at IS NULL AND resolvable_at <= $2
        ORDER BY round_id, model_id
        FOR UPDATE SKIP LOCKED`,
      [roundIds, new Date(nowMs)],
    );
    return rows.map((r) => r.id);
  }

  private async readPredictions(runner: EntityManager, where: string, params: unknown[]): Promise<ClaimedPrediction[]> {
    if ((params[0] as readonly string[]).length === 0) return [];
    const rows: Array<Record<string, unknown>> = await runner.query(
      `SELECT id, round_id, model_id, asset, horizon, step, status,
              CASE WHEN status = 'SUCCESS' THEN payload::text END AS payload_json,
              failure_reason, performed_at, resolvable_at
         FROM predictions
        WHERE ${where}
        ORDER BY round_id, model_id`,
      params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      roundId: String(r.round_id),
      modelId: String(r.model_id),
      asset: String(r.asset),
      horizon: Number(r.horizon),
      step: Number(r.step),
      status: r.status as PredictionStatus,
      payloadJson: (r.payload_json as string | null) ?? null,
      failureReason: (r.failure_reason as string | null) ?? null,
      performedAtMs: (r.performed_at as Date).getTime(),
      resolvableAtMs: (r.resolvable_at as Date).getTime(),
    }));
  }

  /**
   * Successful scores already stored for these rounds (a round scored in parts keeps one penalty
   * basis). The rounds' rows are looked up by round first (MATERIALIZED), so the planner cannot
   * walk the index of every scored prediction instead when its statistics predate the scoring.
   */
  async earlierSuccesses(em: EntityManager, roundIds: readonly string[]): Promise<Map<string, number[]>> {
    const byRound = new Map<string, number[]>();
    if (roundIds.length === 0) return byRound;
    const rows: Array<{ round_id: string; score_value: number }> = await em.query(
      `WITH round_predictions AS MATERIALIZED (
         SELECT round_id, score_value, score_success, scored_at FROM predictions WHERE round_id = ANY($1::uuid[]))
       SELECT round_id, score_value FROM round_predictions
        WHERE scored_at IS NOT NULL AND score_success AND score_value IS NOT NULL`,
      [roundIds],
    );
    for (const r of rows) {
      const list = byRound.get(r.round_id) ?? [];
      list.push(Number(r.score_value));
      byRound.set(r.round_id, list);
    }
    return byRound;
  }

  /** Writes scores of claimed predictions; returns how many rows were written. */
  async writeScores(em: EntityManager, scores: readonly PredictionScore[], scoredAtMs: number): Promise<number> {
    if (scores.length === 0) return 0;
    const result = await em.query(
      `UPDATE predictions p
          SET score_value = s.value, score_success = s.success, score_failed_reason = s.reason, scored_at = $5
         FROM unnest($1::uuid[], $2::float8[], $3::bool[], $4::text[]) AS s(id, value, success, reason)
        WHERE p.id = s.id AND p.scored_at IS NULL`,
      [scores.map((s) => s.id), scores.map((s) => s.value), scores.map((s) => s.success), scores.map((s) => s.failedReason), new Date(scoredAtMs)],
    );
    return affectedRows(result);
  }

  /** Adds a batch's increments to the window buckets. */
  async addToBuckets(em: EntityManager, increments: readonly BucketIncrement[]): Promise<void> {
    if (increments.length === 0) return;
    await em.query(
      `INSERT INTO score_buckets (model_id, param, bucket_start, score_sum, score_count, failed_count)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[], $5::int[], $6::int[])
       ON CONFLICT (model_id, param, bucket_start) DO UPDATE
         SET score_sum = score_buckets.score_sum + EXCLUDED.score_sum,
             score_count = score_buckets.score_count + EXCLUDED.score_count,
             failed_count = score_buckets.failed_count + EXCLUDED.failed_count`,
      [
        increments.map((i) => i.modelId),
        increments.map((i) => i.param),
        increments.map((i) => new Date(i.bucketStartMs)),
        increments.map((i) => i.scoreSum),
        increments.map((i) => i.scoreCount),
        increments.map((i) => i.failedCount),
      ],
    );
  }

  /** Remembers the first bucket each model was scored in, per parameter set. */
  async extendCoverage(em: EntityManager, increments: readonly BucketIncrement[]): Promise<void> {
    const first = new Map<string, BucketIncrement>();
    for (const i of increments) {
      const key = `${i.modelId}\u0000${i.param}`;
      const known = first.get(key);
      if (!known || i.bucketStartMs < known.bucketStartMs) first.set(key, i);
    }
    if (first.size === 0) return;
    const rows = [...first.values()];
    await em.query(
      `INSERT INTO score_coverage (model_id, param, first_bucket_start)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
       ON CONFLICT (model_id, param) DO UPDATE
         SET first_bucket_start = LEAST(score_coverage.first_bucket_start, EXCLUDED.first_bucket_start)`,
      [rows.map((r) => r.modelId), rows.map((r) => r.param), rows.map((r) => new Date(r.bucketStartMs))],
    );
  }
}

/** TypeORM returns `[rows, affected]` for UPDATE on PostgreSQL. */
function affectedRows(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === 'number') return result[1];
  return 0;
}
