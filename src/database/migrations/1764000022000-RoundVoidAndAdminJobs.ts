import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Voiding a round (a feed glitch: `voided_at`, `void_reason`; its predictions are taken out of the
 * windows) and the admin jobs that run in the background (a rescore of a range, the recompute of
 * the history after a void): one row per job with its stored progress, so a job stopped mid-way
 * is resumed where it stopped. At most one rescore per competition is queued or running.
 */
export class RoundVoidAndAdminJobs1764000022000 implements MigrationInterface {
  name = 'RoundVoidAndAdminJobs1764000022000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE prediction_rounds ADD COLUMN voided_at timestamptz NULL, ADD COLUMN void_reason text NULL`);
    await q.query(`
      CREATE TABLE admin_jobs (
        id uuid PRIMARY KEY,
        competition_id text NOT NULL,
        kind text NOT NULL,
        parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        progress jsonb NOT NULL DEFAULT '{}'::jsonb,
        error text NULL,
        key_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz NULL,
        finished_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX admin_jobs_pending ON admin_jobs (competition_id, created_at) WHERE status IN ('queued', 'running')`);
    // "Only one rescore at a time" is the database's to enforce, whichever instance or CLI asks.
    await q.query(`CREATE UNIQUE INDEX admin_jobs_one_rescore ON admin_jobs (competition_id) WHERE kind = 'rescore' AND status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS admin_jobs`);
    await q.query(`ALTER TABLE prediction_rounds DROP COLUMN IF EXISTS voided_at, DROP COLUMN IF EXISTS void_reason`);
  }
}
