import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each model was first scored on each parameter set (a bucket start). Windows are only
 * "complete" once a model has been scored for their whole length; this survives the pruning of
 * old score_buckets, which keeps only the longest window.
 */
export class ScoreCoverage1764000002000 implements MigrationInterface {
  name = 'ScoreCoverage1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE score_coverage (
        model_id text NOT NULL,
        param text NOT NULL,
        first_bucket_start timestamptz NOT NULL,
        PRIMARY KEY (model_id, param)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS score_coverage`);
  }
}
