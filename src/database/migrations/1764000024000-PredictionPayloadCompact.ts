import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A prediction's payload in compact form (src/predict/round/density-payload-codec.ts): float64
 * numbers and the structure once, about a quarter of the JSON text of a density payload, read by
 * scoring without parsing text. `payload` keeps the text of the rows the codec does not reproduce
 * byte for byte (and of rows written before this column); every reader goes through
 * `payloadText`, so the text of every row stays available.
 */
export class PredictionPayloadCompact1764000024000 implements MigrationInterface {
  name = 'PredictionPayloadCompact1764000024000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE predictions ADD COLUMN payload_compact bytea NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The text of a compact-only row would be lost with the column: SQL cannot render it, so refuse.
    const rows: Array<{ n: number }> = await q.query(`SELECT count(*)::int AS n FROM predictions WHERE payload IS NULL AND payload_compact IS NOT NULL`);
    if ((rows[0]?.n ?? 0) > 0) {
      throw new Error(`PredictionPayloadCompact1764000024000: ${rows[0].n} predictions hold their payload in compact form only; write payloadText() of each into payload before reverting`);
    }
    await q.query(`ALTER TABLE predictions DROP COLUMN payload_compact`);
  }
}
