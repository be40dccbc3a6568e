/** Anything with TypeORM's `query` (a DataSource, an EntityManager). */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Stores scores as a scoring cycle leaves them, for tests and benchmarks that seed scored
 * predictions by hand: `select` yields rows of (id, performed_at, score_value, score_success,
 * score_failed_reason, scored_at) for predictions already inserted; each row with a `scored_at`
 * is taken off the queue of unscored predictions and its score written (replacing one stored
 * before), and its round marked as having scores. Returns the scores written.
 *
 * @example
 *   await storeScores(ds, `SELECT id, performed_at, 1::float8 AS score_value, true AS score_success,
 *                             NULL::text AS score_failed_reason, now() AS scored_at FROM predictions WHERE round_id = $1`, [roundId]);
 */
export async function storeScores(db: Queryable, select: string, params: unknown[] = []): Promise<number> {
  const rows = (await db.query(
    `WITH scored AS MATERIALIZED (SELECT * FROM (${select}) AS given WHERE scored_at IS NOT NULL),
          dequeued AS (
            DELETE FROM prediction_unscored u USING scored s
             WHERE u.prediction_id = s.id AND u.performed_at = s.performed_at),
          marked AS (
            UPDATE prediction_rounds SET has_scores = true
             WHERE id IN (SELECT p.round_id FROM predictions p JOIN scored s ON p.id = s.id AND p.performed_at = s.performed_at)),
          written AS (
            INSERT INTO prediction_scores (prediction_id, performed_at, score_value, score_success, score_failed_reason, scored_at)
            SELECT id, performed_at, score_value, score_success, score_failed_reason, scored_at FROM scored
            ON CONFLICT (prediction_id, performed_at) DO UPDATE
               SET score_value = EXCLUDED.score_value, score_success = EXCLUDED.score_success,
                   score_failed_reason = EXCLUDED.score_failed_reason, scored_at = EXCLUDED.scored_at
            RETURNING 1)
     SELECT count(*)::int AS n FROM written`,
    params,
  )) as Array<{ n: number }>;
  return rows[0]?.n ?? 0;
}
