import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verifiable commitments and reward checkpoints (issue 12).
 * - score_commitments: one Merkle root per scoring cycle, chained to the previous one; written in
 *   the cycle's snapshot transaction and never pruned with the snapshots.
 * - reward_checkpoints: one row per reward period (unique key: competition + period start), the
 *   frozen leaderboard, the settings it used, the pool, and its commitment.
 * - reward_payouts: one row per payout, float and integer base units (numeric: may exceed 2^63).
 * - reward_checkpoint_moves: every status move, with who and when.
 */
export class RewardCheckpoints1764000005000 implements MigrationInterface {
  name = 'RewardCheckpoints1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE score_commitments (
        competition_id text NOT NULL,
        cycle_at timestamptz NOT NULL,
        leaf_count integer NOT NULL CHECK (leaf_count >= 0),
        root text NOT NULL,
        previous_root text NULL,
        chained_root text NOT NULL,
        PRIMARY KEY (competition_id, cycle_at)
      )`);

    await q.query(`
      CREATE TABLE reward_checkpoints (
        id uuid PRIMARY KEY,
        competition_id text NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','SUBMITTED','CLAIMABLE','PAID','FAILED')),
        leaderboard_id uuid NULL,
        leaderboard_at timestamptz NULL,
        entries jsonb NOT NULL,
        windows jsonb NOT NULL,
        settings jsonb NOT NULL,
        pool double precision NULL,
        decimals integer NOT NULL,
        distributed_units numeric(78, 0) NULL,
        cycle_roots jsonb NOT NULL DEFAULT '[]'::jsonb,
        payouts_root text NULL,
        previous_root text NULL,
        chained_root text NULL,
        warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
        CONSTRAINT reward_checkpoints_period_unique UNIQUE (competition_id, period_start)
      )`);
    await q.query(`CREATE INDEX reward_checkpoints_created_idx ON reward_checkpoints (competition_id, period_start DESC)`);

    await q.query(`
      CREATE TABLE reward_payouts (
        checkpoint_id uuid NOT NULL REFERENCES reward_checkpoints(id) ON DELETE CASCADE,
        leaf_index integer NOT NULL,
        model_id text NOT NULL,
        model_name text NOT NULL,
        player_id text NOT NULL,
        player_name text NOT NULL,
        horizon integer NOT NULL,
        rank integer NOT NULL,
        score double precision NOT NULL,
        amount double precision NOT NULL,
        units numeric(78, 0) NOT NULL,
        PRIMARY KEY (checkpoint_id, leaf_index)
      )`);
    await q.query(`CREATE INDEX reward_payouts_model_idx ON reward_payouts (model_id)`);

    await q.query(`
      CREATE TABLE reward_checkpoint_moves (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        checkpoint_id uuid NOT NULL REFERENCES reward_checkpoints(id) ON DELETE CASCADE,
        from_status text NULL,
        to_status text NOT NULL,
        actor text NOT NULL,
        moved_at timestamptz NOT NULL,
        note text NULL
      )`);
    await q.query(`CREATE INDEX reward_checkpoint_moves_checkpoint_idx ON reward_checkpoint_moves (checkpoint_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS reward_checkpoint_moves`);
    await q.query(`DROP TABLE IF EXISTS reward_payouts`);
    await q.query(`DROP TABLE IF EXISTS reward_checkpoints`);
    await q.query(`DROP TABLE IF EXISTS score_commitments`);
  }
}
