import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prediction payloads are written once and read back whole by scoring; nothing queries inside
 * them. `json` keeps the validated text as sent instead of converting it to and from `jsonb`'s
 * binary form, which was most of the database's cost of a scoring cycle (measured per 1,000
 * hourly-config rows read: PGlite 166 -> 39 ms, PostgreSQL 96 -> 17 ms).
 */
export class PredictionPayloadAsJson1764000003000 implements MigrationInterface {
  name = 'PredictionPayloadAsJson1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE predictions ALTER COLUMN payload TYPE json USING payload::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE predictions ALTER COLUMN payload TYPE jsonb USING payload::jsonb`);
  }
}
