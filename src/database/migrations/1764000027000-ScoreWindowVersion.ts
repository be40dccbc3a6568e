import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `score_window_version`: one row that every write to `score_buckets` or `score_coverage` changes,
 * in the writing transaction and after its other writes (so the row's lock is always the last one
 * a writer takes). A scoring cycle keeps the window totals it read in memory with the version they
 * were read at, adds its own increments to them, and reads the buckets again only when the
 * windows move to another bucket or the version shows a write it did not make
 * (src/score/window-totals-cache.ts). `version` is a fresh random value at every write, never a
 * counter, so a write lost with a crashed server cannot make an old version current again;
 * `previous` is the version the write replaced: a cycle whose own write replaced the version it
 * knew has seen every write in between. The app's writes replace it themselves
 * (score-window.repository.ts); a TRUNCATE of either table (a reset by hand, a test) replaces it
 * through a trigger. Other hand edits of these tables need a restart of the score role.
 */
export class ScoreWindowVersion1764000027000 implements MigrationInterface {
  name = 'ScoreWindowVersion1764000027000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE score_window_version (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version uuid NOT NULL,
        previous uuid
      )`);
    await q.query(`INSERT INTO score_window_version (version) VALUES (gen_random_uuid())`);
    await q.query(`
      CREATE FUNCTION score_window_version_replace() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE score_window_version SET previous = version, version = gen_random_uuid();
        RETURN NULL;
      END $$`);
    for (const table of ['score_buckets', 'score_coverage']) {
      await q.query(`CREATE TRIGGER ${table}_truncated AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION score_window_version_replace()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['score_buckets', 'score_coverage']) await q.query(`DROP TRIGGER IF EXISTS ${table}_truncated ON ${table}`);
    await q.query(`DROP FUNCTION IF EXISTS score_window_version_replace()`);
    await q.query(`DROP TABLE IF EXISTS score_window_version`);
  }
}
