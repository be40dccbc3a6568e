import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { asObject } from '../../database/stored-json';
import { Checkpoint, CheckpointCycles, CheckpointMove, CheckpointPayout, CheckpointSettings, CheckpointStatus, FrozenEntry, isCheckpointStatus } from './checkpoint';

interface CheckpointRow {
  id: string;
  competition_id: string;
  period_start: Date;
  period_end: Date;
  created_at: Date;
  status: string;
  leaderboard_id: string | null;
  leaderboard_at: Date | null;
  entries: unknown;
  windows: unknown;
  settings: unknown;
  pool: number | null;
  decimals: number;
  distributed_units: string | null;
  cycle_roots: unknown;
  payouts_root: string | null;
  previous_root: string | null;
  chained_root: string | null;
  warnings: unknown;
}

interface PayoutRow {
  leaf_index: number;
  model_id: string;
  model_name: string;
  player_id: string;
  player_name: string;
  horizon: number;
  rank: number;
  score: number;
  amount: number;
  units: string;
}

const COLUMNS = `id, competition_id, period_start, period_end, created_at, status, leaderboard_id, leaderboard_at, entries, windows, settings,
  pool, decimals, distributed_units::text AS distributed_units, cycle_roots, payouts_root, previous_root, chained_root, warnings`;

/** A new checkpoint: the frozen leaderboard and settings (payouts follow in the same transaction). */
export type NewCheckpoint = Omit<Checkpoint, 'status' | 'distributedUnits' | 'payoutsRoot' | 'previousRoot' | 'chainedRoot' | 'warnings'>;

/** What computing payouts writes onto a checkpoint. */
export interface CheckpointPayoutSet {
  pool: number;
  payouts: readonly CheckpointPayout[];
  distributedUnits: bigint;
  payoutsRoot: string;
  previousRoot: string | null;
  chainedRoot: string;
  warnings: readonly string[];
}

/**
 * `reward_checkpoints`, `reward_payouts` and `reward_checkpoint_moves`: the only SQL on them.
 * Writes take the caller's transaction (`em`), so a checkpoint and its payouts and first move are
 * stored whole or not at all; the unique key on (competition, period start) makes a second
 * instance's insert a no-op.
 */
@Injectable()
export class CheckpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the checkpoint unless its period already has one; false when it had. */
  async insertFrozen(em: EntityManager, c: NewCheckpoint): Promise<boolean> {
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO reward_checkpoints (id, competition_id, period_start, period_end, created_at, status, leaderboard_id, leaderboard_at,
                                       entries, windows, settings, pool, decimals, cycle_roots)
       VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13::jsonb)
       ON CONFLICT (competition_id, period_start) DO NOTHING RETURNING id`,
      [
        c.id,
        c.competitionId,
        c.periodStart,
        c.periodEnd,
        c.createdAt,
        c.leaderboardId,
        c.leaderboardAt,
        JSON.stringify(c.entries),
        JSON.stringify(c.windows),
        JSON.stringify(c.settings),
        c.pool,
        c.decimals,
        JSON.stringify(c.cycles),
      ],
    );
    return rows.length === 1;
  }

  /** Replaces the checkpoint's payouts and commitment (while it is PENDING). */
  async writePayouts(em: EntityManager, checkpointId: string, set: CheckpointPayoutSet): Promise<void> {
    await em.query(`DELETE FROM reward_payouts WHERE checkpoint_id = $1`, [checkpointId]);
    const p = set.payouts;
    if (p.length > 0) {
      await em.query(
        `INSERT INTO reward_payouts (checkpoint_id, leaf_index, model_id, model_name, player_id, player_name, horizon, rank, score, amount, units)
         SELECT $1::uuid, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::float8[], $10::float8[], $11::numeric[])`,
        [
          checkpointId,
          p.map((x) => x.leafIndex),
          p.map((x) => x.modelId),
          p.map((x) => x.modelName),
          p.map((x) => x.playerId),
          p.map((x) => x.playerName),
          p.map((x) => x.horizon),
          p.map((x) => x.rank),
          p.map((x) => x.score),
          p.map((x) => x.amount),
          p.map((x) => x.units.toString()),
        ],
      );
    }
    await em.query(
      `UPDATE reward_checkpoints SET pool = $2, distributed_units = $3::numeric, payouts_root = $4, previous_root = $5, chained_root = $6, warnings = $7::jsonb WHERE id = $1`,
      [checkpointId, set.pool, set.distributedUnits.toString(), set.payoutsRoot, set.previousRoot, set.chainedRoot, JSON.stringify(set.warnings)],
    );
  }

  async recordMove(em: EntityManager, checkpointId: string, move: CheckpointMove): Promise<void> {
    await em.query(`INSERT INTO reward_checkpoint_moves (id, checkpoint_id, from_status, to_status, actor, moved_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      randomUUID(),
      checkpointId,
      move.from,
      move.to,
      move.actor,
      move.at,
      move.note,
    ]);
    await em.query(`UPDATE reward_checkpoints SET status = $2 WHERE id = $1`, [checkpointId, move.to]);
  }

  /** The checkpoint, locked for the rest of `em`'s transaction (a status move or a pool change). */
  async lock(em: EntityManager, competitionId: string, id: string): Promise<Checkpoint | null> {
    const rows: CheckpointRow[] = await em.query(`SELECT ${COLUMNS} FROM reward_checkpoints WHERE competition_id = $1 AND id = $2 FOR UPDATE`, [competitionId, id]);
    return rows.length === 0 ? null : toCheckpoint(rows[0]);
  }

  async get(competitionId: string, id: string): Promise<Checkpoint | null> {
    const rows: CheckpointRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM reward_checkpoints WHERE competition_id = $1 AND id = $2`, [competitionId, id]);
    return rows.length === 0 ? null : toCheckpoint(rows[0]);
  }

  async forPeriod(competitionId: string, periodStart: Date): Promise<Checkpoint | null> {
    const rows: CheckpointRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM reward_checkpoints WHERE competition_id = $1 AND period_start = $2`, [competitionId, periodStart]);
    return rows.length === 0 ? null : toCheckpoint(rows[0]);
  }

  /** The end of the newest period that has a checkpoint, or null before the first one. */
  async latestPeriodEnd(competitionId: string): Promise<Date | null> {
    const rows: Array<{ period_end: Date }> = await this.dataSource.query(
      `SELECT period_end FROM reward_checkpoints WHERE competition_id = $1 ORDER BY period_start DESC LIMIT 1`,
      [competitionId],
    );
    return rows.length === 0 ? null : rows[0].period_end;
  }

  /** Up to `limit` checkpoints, newest period first, past `offset`. */
  async list(competitionId: string, limit: number, offset: number): Promise<Checkpoint[]> {
    const rows: CheckpointRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM reward_checkpoints WHERE competition_id = $1 ORDER BY period_start DESC LIMIT $2 OFFSET $3`,
      [competitionId, limit, offset],
    );
    return rows.map(toCheckpoint);
  }

  /** The newest checkpoint whose payouts are computed. */
  async latestWithPayouts(competitionId: string): Promise<Checkpoint | null> {
    const rows: CheckpointRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM reward_checkpoints WHERE competition_id = $1 AND payouts_root IS NOT NULL AND status <> 'FAILED' ORDER BY period_start DESC LIMIT 1`,
      [competitionId],
    );
    return rows.length === 0 ? null : toCheckpoint(rows[0]);
  }

  /**
   * Each model's cumulative reward: the sum of its payouts over every checkpoint that did not
   * fail (computed payouts count from PENDING on; a FAILED checkpoint pays nobody).
   */
  async rewardTotals(competitionId: string): Promise<Map<string, number>> {
    const rows: Array<{ model_id: string; total: number }> = await this.dataSource.query(
      `SELECT p.model_id, sum(p.amount)::float8 AS total
         FROM reward_payouts p JOIN reward_checkpoints c ON c.id = p.checkpoint_id
        WHERE c.competition_id = $1 AND c.status <> 'FAILED'
        GROUP BY p.model_id`,
      [competitionId],
    );
    return new Map(rows.map((r) => [r.model_id, Number(r.total)]));
  }

  /** Ids of the PENDING checkpoints that pay at least one of `modelIds`, oldest period first. */
  async pendingPaying(competitionId: string, modelIds: readonly string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT c.id FROM reward_checkpoints c
        WHERE c.competition_id = $1 AND c.status = 'PENDING'
          AND EXISTS (SELECT 1 FROM reward_payouts p WHERE p.checkpoint_id = c.id AND p.model_id = ANY($2::text[]))
        ORDER BY c.period_start`,
      [competitionId, [...modelIds]],
    );
    return rows.map((r) => r.id);
  }

  /** Every payout of a checkpoint, in leaf order (a checkpoint pays at most a few hundred models per horizon). */
  async payouts(checkpointId: string): Promise<CheckpointPayout[]> {
    const rows: PayoutRow[] = await this.dataSource.query(
      `SELECT leaf_index, model_id, model_name, player_id, player_name, horizon, rank, score, amount, units::text AS units
         FROM reward_payouts WHERE checkpoint_id = $1 ORDER BY leaf_index`,
      [checkpointId],
    );
    return rows.map((r) => ({
      leafIndex: r.leaf_index,
      modelId: r.model_id,
      modelName: r.model_name,
      playerId: r.player_id,
      playerName: r.player_name,
      horizon: r.horizon,
      rank: r.rank,
      score: r.score,
      amount: r.amount,
      units: BigInt(r.units),
    }));
  }

  async moves(checkpointId: string): Promise<CheckpointMove[]> {
    const rows: Array<{ from_status: string | null; to_status: string; actor: string; moved_at: Date; note: string | null }> = await this.dataSource.query(
      `SELECT from_status, to_status, actor, moved_at, note FROM reward_checkpoint_moves WHERE checkpoint_id = $1 ORDER BY seq`,
      [checkpointId],
    );
    return rows.map((r) => ({ from: isCheckpointStatus(r.from_status) ? r.from_status : null, to: r.to_status as CheckpointStatus, actor: r.actor, at: r.moved_at, note: r.note }));
  }
}

function toCheckpoint(r: CheckpointRow): Checkpoint {
  if (!isCheckpointStatus(r.status)) throw new Error(`checkpoint ${r.id}: unknown status "${r.status}"`);
  const cycles = asObject(r.cycle_roots) as unknown as CheckpointCycles | undefined;
  return {
    id: r.id,
    competitionId: r.competition_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    createdAt: r.created_at,
    status: r.status,
    leaderboardId: r.leaderboard_id,
    leaderboardAt: r.leaderboard_at,
    entries: Array.isArray(r.entries) ? (r.entries as FrozenEntry[]) : [],
    windows: Array.isArray(r.windows) ? (r.windows as Checkpoint['windows']) : [],
    settings: r.settings as CheckpointSettings,
    pool: r.pool,
    decimals: r.decimals,
    distributedUnits: r.distributed_units === null ? null : BigInt(r.distributed_units),
    cycles: cycles ?? { count: 0, first_cycle_at: null, last_cycle_at: null, last_chained_root: null },
    payoutsRoot: r.payouts_root,
    previousRoot: r.previous_root,
    chainedRoot: r.chained_root,
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === 'string') : [],
  };
}
