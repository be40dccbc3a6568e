import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail of the admin API: one row per action an operator took (who, what, on which
 * target, with which parameters, and how it ended). Appended, never updated; read newest first.
 */
export class AdminActions1764000020000 implements MigrationInterface {
  name = 'AdminActions1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_actions (
        id bigserial PRIMARY KEY,
        competition_id text NOT NULL,
        key_id text NOT NULL,
        action text NOT NULL,
        target text,
        parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
        result jsonb,
        acted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX admin_actions_newest ON admin_actions (competition_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS admin_actions`);
  }
}
