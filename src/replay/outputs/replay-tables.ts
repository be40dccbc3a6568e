import type { LeaderboardRow, PayoutRow, RoundHealthRow, ScoredPredictionRow, SnapshotRow } from '../replay-results.repository';
import { OutputTable } from './output-table';

/** Everything a replay read back, in the order its outputs list it. */
export interface ReplayResults {
  predictions: ScoredPredictionRow[];
  rounds: RoundHealthRow[];
  snapshots: SnapshotRow[];
  leaderboards: LeaderboardRow[];
  payouts: PayoutRow[];
}

/** The replay's output tables: per-round scores, round health, snapshots, leaderboards, payouts. */
export function replayTables(results: ReplayResults): OutputTable[] {
  return [
    {
      name: 'scores',
      columns: [
        { name: 'round_at', type: 'TIMESTAMP' },
        { name: 'asset', type: 'STRING' },
        { name: 'horizon', type: 'INT32' },
        { name: 'step', type: 'INT32' },
        { name: 'model_id', type: 'STRING' },
        { name: 'status', type: 'STRING' },
        { name: 'failure_reason', type: 'STRING' },
        { name: 'score', type: 'DOUBLE' },
        { name: 'score_success', type: 'BOOLEAN' },
        { name: 'score_failed_reason', type: 'STRING' },
        { name: 'scored_at', type: 'TIMESTAMP' },
      ],
      rows: results.predictions.map((p) => [p.roundAt, p.asset, p.horizon, p.step, p.modelId, p.status, p.failureReason, p.score, p.scoreSuccess, p.scoreFailedReason, p.scoredAt]),
    },
    {
      name: 'rounds',
      columns: [
        { name: 'round_at', type: 'TIMESTAMP' },
        { name: 'asset', type: 'STRING' },
        { name: 'horizon', type: 'INT32' },
        { name: 'step', type: 'INT32' },
        { name: 'models', type: 'INT32' },
        { name: 'success', type: 'INT32' },
        { name: 'failed', type: 'INT32' },
        { name: 'timeout', type: 'INT32' },
        { name: 'absent', type: 'INT32' },
      ],
      rows: results.rounds.map((r) => [r.roundAt, r.asset, r.horizon, r.step, r.models, r.success, r.failed, r.timeout, r.absent]),
    },
    {
      name: 'snapshots',
      columns: [
        { name: 'at', type: 'TIMESTAMP' },
        { name: 'model_id', type: 'STRING' },
        { name: 'score_recent', type: 'DOUBLE' },
        { name: 'score_steady', type: 'DOUBLE' },
        { name: 'score_anchor', type: 'DOUBLE' },
      ],
      rows: results.snapshots.map((s) => [s.at, s.modelId, s.recent, s.steady, s.anchor]),
    },
    {
      name: 'leaderboards',
      columns: [
        { name: 'at', type: 'TIMESTAMP' },
        { name: 'rank', type: 'INT32' },
        { name: 'model_id', type: 'STRING' },
        { name: 'model_name', type: 'STRING' },
        { name: 'cruncher_id', type: 'STRING' },
        { name: 'score_recent', type: 'DOUBLE' },
        { name: 'score_steady', type: 'DOUBLE' },
        { name: 'score_anchor', type: 'DOUBLE' },
        { name: 'scored_count', type: 'INT32' },
      ],
      rows: results.leaderboards.map((l) => [l.at, l.rank, l.modelId, l.modelName, l.cruncherId, l.recent, l.steady, l.anchor, l.scoredCount]),
    },
    {
      name: 'payouts',
      columns: [
        { name: 'period_start', type: 'TIMESTAMP' },
        { name: 'period_end', type: 'TIMESTAMP' },
        { name: 'horizon', type: 'INT32' },
        { name: 'rank', type: 'INT32' },
        { name: 'model_id', type: 'STRING' },
        { name: 'player_id', type: 'STRING' },
        { name: 'score', type: 'DOUBLE' },
        { name: 'amount', type: 'DOUBLE' },
        { name: 'units', type: 'STRING' },
      ],
      rows: results.payouts.map((p) => [p.periodStart, p.periodEnd, p.horizon, p.rank, p.modelId, p.playerId, p.score, p.amount, p.units]),
    },
  ];
}

/** The entries of the newest leaderboard (empty before the first one). */
export function finalLeaderboard(rows: readonly LeaderboardRow[]): LeaderboardRow[] {
  if (rows.length === 0) return [];
  const last = rows[rows.length - 1].at.getTime();
  return rows.filter((r) => r.at.getTime() === last);
}
