import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_PREDICTIONS_PARTITION, DEFAULT_SCORES_PARTITION, quotedIdentifier, scoresPartitionName } from '../../predict/round/prediction-partitions.repository';

/** `predictions_with_scores`: a prediction's row with its score, or NULL scores while it is unscored. */
export const PREDICTIONS_WITH_SCORES_VIEW = `
  CREATE VIEW predictions_with_scores AS
  SELECT p.id, p.round_id, p.model_id, p.config_id, p.asset, p.horizon, p.step, p.status, p.exec_time_us,
         p.payload, p.payload_compact, p.failure_reason, p.performed_at, p.resolvable_at,
         s.score_value, s.score_success, s.score_failed_reason, s.scored_at
    FROM predictions p
    LEFT JOIN prediction_scores s ON s.prediction_id = p.id AND s.performed_at = p.performed_at`;

/**
 * A prediction's score in a narrow table of its own, `prediction_scores`, and its unscored state in
 * a queue, `prediction_unscored`, so a scoring cycle INSERTs scores and DELETEs queue rows instead
 * of UPDATEing the wide `predictions` row.
 *
 * Why: an UPDATE writes a new version of the whole row (its payload pointer, ids, texts) and, the
 * row having two partial indexes on its score columns, never a HOT one: 3.1-3.2 s and 1.5-2.6 KB
 * of WAL per 100,000 scores on PostgreSQL 15, where an INSERT into a narrow table took 0.6 s and
 * 208 bytes. A prediction's row no longer changes after it is written.
 *
 * - `prediction_scores` (prediction_id, performed_at, the three score columns, scored_at) is
 *   partitioned by `performed_at` with the same bounds as `predictions`, partition for partition,
 *   so retention drops a day of scores with its day of predictions. Its key is (prediction_id,
 *   performed_at), like the predictions' own; `scored_at` is indexed for the windows' reads and
 *   retention.
 * - `prediction_unscored` holds a row per prediction not yet scored: its round, `performed_at`,
 *   `resolvable_at` (indexed: what a cycle searches) and whether its status needs the truth. A
 *   statement trigger on `predictions` queues every inserted prediction (in one INSERT per
 *   statement, from its transition table), so nothing that writes predictions can leave one out;
 *   a DELETE on `predictions` takes its queue and score rows with it, and a TRUNCATE (a reset by
 *   hand, a test) empties both tables.
 * - `prediction_rounds.has_scores` is set by the first claim that scores a round, so a cycle
 *   reads a round's earlier successes (its penalty basis) only for a round scored in parts.
 * - `predictions_with_scores` joins them back for the readers (the report, the rounds view, a
 *   replay's outputs): the columns `predictions` had.
 *
 * The stored scores and the unscored state are moved over; down() puts them back into the
 * columns of `predictions`.
 */
export class PredictionScoresApart1764000028000 implements MigrationInterface {
  name = 'PredictionScoresApart1764000028000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE prediction_scores (
        prediction_id uuid NOT NULL,
        performed_at timestamptz NOT NULL,
        score_value double precision NULL,
        score_success boolean NULL,
        score_failed_reason text NULL,
        scored_at timestamptz NOT NULL
      ) PARTITION BY RANGE (performed_at)`);
    await q.query(`CREATE TABLE ${DEFAULT_SCORES_PARTITION} PARTITION OF prediction_scores DEFAULT`);
    const partitions: Array<{ name: string; bound: string }> = await q.query(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass('predictions') AND c.relname <> $1`,
      [DEFAULT_PREDICTIONS_PARTITION],
    );
    // The bound as the catalogue prints it ("FOR VALUES FROM (...) TO (...)"): the same range exactly.
    for (const p of partitions) await q.query(`CREATE TABLE ${quotedIdentifier(scoresPartitionName(p.name))} PARTITION OF prediction_scores ${p.bound}`);
    await q.query(
      `INSERT INTO prediction_scores (prediction_id, performed_at, score_value, score_success, score_failed_reason, scored_at)
       SELECT id, performed_at, score_value, score_success, score_failed_reason, scored_at FROM predictions WHERE scored_at IS NOT NULL`,
    );
    await q.query(`ALTER TABLE prediction_scores ADD CONSTRAINT prediction_scores_pkey PRIMARY KEY (prediction_id, performed_at)`);
    await q.query(`CREATE INDEX prediction_scores_scored_at_idx ON prediction_scores (scored_at)`);

    await q.query(`
      CREATE TABLE prediction_unscored (
        round_id uuid NOT NULL REFERENCES prediction_rounds(id) ON DELETE CASCADE,
        prediction_id uuid NOT NULL,
        performed_at timestamptz NOT NULL,
        resolvable_at timestamptz NOT NULL,
        needs_truth boolean NOT NULL,
        PRIMARY KEY (round_id, prediction_id)
      )`);
    await q.query(
      `INSERT INTO prediction_unscored (round_id, prediction_id, performed_at, resolvable_at, needs_truth)
       SELECT round_id, id, performed_at, resolvable_at, status = 'SUCCESS' FROM predictions WHERE scored_at IS NULL`,
    );
    await q.query(`CREATE INDEX prediction_unscored_due_idx ON prediction_unscored (resolvable_at)`);

    await q.query(`ALTER TABLE prediction_rounds ADD COLUMN has_scores boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE prediction_rounds r SET has_scores = true WHERE EXISTS (SELECT 1 FROM predictions p WHERE p.round_id = r.id AND p.scored_at IS NOT NULL)`);
    await q.query(`ALTER TABLE predictions DROP COLUMN score_value, DROP COLUMN score_success, DROP COLUMN score_failed_reason, DROP COLUMN scored_at`);
    await q.query(`
      CREATE FUNCTION predictions_queue_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO prediction_unscored (round_id, prediction_id, performed_at, resolvable_at, needs_truth)
        SELECT round_id, id, performed_at, resolvable_at, status = 'SUCCESS' FROM inserted;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION predictions_forget_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM prediction_unscored u USING deleted d WHERE u.round_id = d.round_id AND u.prediction_id = d.id;
        DELETE FROM prediction_scores s USING deleted d WHERE s.prediction_id = d.id AND s.performed_at = d.performed_at;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION predictions_forget_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- DELETE, not TRUNCATE: the TRUNCATE that fired this may list these tables too (by CASCADE
        -- from prediction_rounds), and a table cannot be truncated again inside it.
        DELETE FROM prediction_unscored;
        DELETE FROM prediction_scores;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER predictions_truncated AFTER TRUNCATE ON predictions FOR EACH STATEMENT EXECUTE FUNCTION predictions_forget_truncated()`);
    await q.query(`CREATE TRIGGER predictions_queued AFTER INSERT ON predictions REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION predictions_queue_inserted()`);
    await q.query(`CREATE TRIGGER predictions_forgotten AFTER DELETE ON predictions REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION predictions_forget_deleted()`);
    await q.query(PREDICTIONS_WITH_SCORES_VIEW);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW predictions_with_scores`);
    await q.query(`DROP TRIGGER predictions_queued ON predictions`);
    await q.query(`DROP TRIGGER predictions_forgotten ON predictions`);
    await q.query(`DROP TRIGGER predictions_truncated ON predictions`);
    await q.query(`DROP FUNCTION predictions_queue_inserted()`);
    await q.query(`DROP FUNCTION predictions_forget_deleted()`);
    await q.query(`DROP FUNCTION predictions_forget_truncated()`);
    await q.query(
      `ALTER TABLE predictions ADD COLUMN score_value double precision NULL, ADD COLUMN score_success boolean NULL,
         ADD COLUMN score_failed_reason text NULL, ADD COLUMN scored_at timestamptz NULL`,
    );
    await q.query(
      `UPDATE predictions p SET score_value = s.score_value, score_success = s.score_success, score_failed_reason = s.score_failed_reason, scored_at = s.scored_at
         FROM prediction_scores s WHERE s.prediction_id = p.id AND s.performed_at = p.performed_at`,
    );
    await q.query(`CREATE INDEX predictions_unscored_idx ON predictions (resolvable_at) WHERE scored_at IS NULL`);
    await q.query(`CREATE INDEX predictions_scored_at_idx ON predictions (scored_at) WHERE scored_at IS NOT NULL`);
    await q.query(`DROP TABLE prediction_unscored`);
    await q.query(`DROP TABLE prediction_scores`); // and its partitions
    await q.query(`ALTER TABLE prediction_rounds DROP COLUMN has_scores`);
  }
}

