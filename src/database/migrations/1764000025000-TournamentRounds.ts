import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rounds of a tournament (rounds opened through the API): the posted inputs, the client's
 * round id that makes a repeated POST open one round, the prediction round the coordinator ran
 * for it (same tables as any round), and the posted truth its scoring reads. `performed_at_ms`
 * is the prediction round's origin: the ground-truth lookup of a scoring cycle is by origin.
 */
export class TournamentRounds1764000025000 implements MigrationInterface {
  name = 'TournamentRounds1764000025000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tournament_rounds (
        id uuid PRIMARY KEY,
        competition_id text NOT NULL,
        client_round_id text NULL,
        inputs jsonb NOT NULL,
        inputs_sha256 text NOT NULL,
        inputs_file text NULL,
        prediction_round_id uuid NULL REFERENCES prediction_rounds(id) ON DELETE SET NULL,
        performed_at_ms bigint NULL,
        truth jsonb NULL,
        truth_sha256 text NULL,
        truth_posted_at timestamptz NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tournament_rounds_client_unique UNIQUE (competition_id, client_round_id),
        CONSTRAINT tournament_rounds_origin_unique UNIQUE (competition_id, performed_at_ms)
      )`);
    await q.query(`CREATE INDEX tournament_rounds_newest ON tournament_rounds (competition_id, opened_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS tournament_rounds`);
  }
}
