import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organiser's leaderboard columns and chart widgets, edited from the ecosystem's web app and
 * kept with the competition (one row per competition and list; no row = the layout derived from
 * the competition file). Written rarely, read whole.
 */
export class ReportLayouts1764000014000 implements MigrationInterface {
  name = 'ReportLayouts1764000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_layouts (
        competition_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('leaderboard_columns', 'metrics_widgets')),
        items jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (competition_id, kind)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS report_layouts`);
  }
}
