import type { ScoreDirection } from '../../score/scorers/scorer';
import type { RewardPayout } from '../reward-function';

export const CHECKPOINT_STATUSES = ['PENDING', 'SUBMITTED', 'CLAIMABLE', 'PAID', 'FAILED'] as const;
export type CheckpointStatus = (typeof CHECKPOINT_STATUSES)[number];

/**
 * The status flow: PENDING -> SUBMITTED -> CLAIMABLE -> PAID, and FAILED from any status that is
 * not final. PAID and FAILED are final.
 *
 * @example
 *   canMove('PENDING', 'SUBMITTED') // true
 *   canMove('PAID', 'FAILED')       // false
 */
const NEXT: Record<CheckpointStatus, readonly CheckpointStatus[]> = {
  PENDING: ['SUBMITTED', 'FAILED'],
  SUBMITTED: ['CLAIMABLE', 'FAILED'],
  CLAIMABLE: ['PAID', 'FAILED'],
  PAID: [],
  FAILED: [],
};

export function canMove(from: CheckpointStatus, to: CheckpointStatus): boolean {
  return NEXT[from].includes(to);
}

export function isCheckpointStatus(value: unknown): value is CheckpointStatus {
  return typeof value === 'string' && (CHECKPOINT_STATUSES as readonly string[]).includes(value);
}

/** A frozen leaderboard entry: who, its leaderboard rank and seed scores, and its scores per horizon. */
export interface FrozenEntry {
  model_id: string;
  model_name: string;
  cruncher_id: string;
  cruncher_name: string;
  rank: number;
  score_recent: number | null;
  score_steady: number | null;
  score_anchor: number | null;
  /** Per horizon (seconds), window name -> the mean over the horizon's parameter sets (asset-weighted as the overall score). */
  horizons: Array<{ horizon: number; scores: Record<string, number | null> }>;
}

/** The competition settings a checkpoint used, frozen with it. */
export interface CheckpointSettings {
  function: string;
  options: Record<string, unknown>;
  /** The pool fixed in the file, or null: set per checkpoint. */
  filePool: number | null;
  decimals: number;
  direction: ScoreDirection;
  every: number;
  delay: number;
  scorer: string;
  rankBy: string;
}

/** The period's scoring cycles the checkpoint's commitment chains after. */
export interface CheckpointCycles {
  count: number;
  first_cycle_at: string | null;
  /** The newest cycle at or before the period's end: its chained root commits to every cycle root up to it. */
  last_cycle_at: string | null;
  last_chained_root: string | null;
}

export interface Checkpoint {
  id: string;
  competitionId: string;
  periodStart: Date;
  periodEnd: Date;
  createdAt: Date;
  status: CheckpointStatus;
  leaderboardId: string | null;
  leaderboardAt: Date | null;
  entries: FrozenEntry[];
  windows: Array<{ name: string; seconds: number }>;
  settings: CheckpointSettings;
  /** Null until set (file pool absent). */
  pool: number | null;
  decimals: number;
  /** Sum of the payouts' base units; null until payouts are computed. */
  distributedUnits: bigint | null;
  cycles: CheckpointCycles;
  /** Merkle root over the payout leaves; null until payouts are computed. */
  payoutsRoot: string | null;
  /** = cycles.last_chained_root when the payouts were committed. */
  previousRoot: string | null;
  chainedRoot: string | null;
  warnings: string[];
}

/** One stored payout: the reward function's payout, its position in the payout tree and its integer base units. */
export interface CheckpointPayout extends RewardPayout {
  leafIndex: number;
  units: bigint;
}

export interface CheckpointMove {
  from: CheckpointStatus | null;
  to: CheckpointStatus;
  actor: string;
  at: Date;
  note: string | null;
}

/** A status move the flow does not allow (the admin API answers 409); names the current status. */
export class IllegalCheckpointMoveError extends Error {
  constructor(
    readonly checkpointId: string,
    readonly current: CheckpointStatus,
    readonly requested: CheckpointStatus,
    detail?: string,
  ) {
    super(`checkpoint ${checkpointId} is ${current}: cannot move to ${requested}${detail ? ` (${detail})` : ''}`);
    this.name = 'IllegalCheckpointMoveError';
  }
}

export class CheckpointNotFoundError extends Error {
  constructor(readonly checkpointId: string) {
    super(`no checkpoint ${checkpointId}`);
    this.name = 'CheckpointNotFoundError';
  }
}
