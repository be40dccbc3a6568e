import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator's two flags on a model, each with when and why: `disabled` (the coordinator stops
 * calling it and reports it to the orchestrator) and `excluded` (it keeps its history but gets
 * no rank on new leaderboards and no payout). Both stay until an operator lifts them; a partial
 * index keeps "which models are disabled", read once per tick and per round, cheap.
 */
export class ModelAdminFlags1764000021000 implements MigrationInterface {
  name = 'ModelAdminFlags1764000021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE models
        ADD COLUMN disabled_at timestamptz NULL,
        ADD COLUMN disabled_reason text NULL,
        ADD COLUMN excluded_at timestamptz NULL,
        ADD COLUMN excluded_reason text NULL`);
    await q.query(`CREATE INDEX models_disabled_idx ON models (competition_id) WHERE disabled_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS models_disabled_idx`);
    await q.query(`ALTER TABLE models DROP COLUMN IF EXISTS disabled_at, DROP COLUMN IF EXISTS disabled_reason, DROP COLUMN IF EXISTS excluded_at, DROP COLUMN IF EXISTS excluded_reason`);
  }
}
