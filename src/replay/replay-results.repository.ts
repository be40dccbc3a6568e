import { DataSource } from 'typeorm';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { PredictionRoundRepository } from '../predict/round/prediction-round.repository';
import { readLeaderboardEntries } from '../leaderboard/leaderboard-entry';

/** One prediction of one round with its score (`score` null until scored). */
export interface ScoredPredictionRow {
  roundAt: Date;
  asset: string;
  horizon: number;
  step: number;
  modelId: string;
  status: string;
  failureReason: string | null;
  score: number | null;
  scoreSuccess: boolean | null;
  scoreFailedReason: string | null;
  scoredAt: Date | null;
}

/** How one round went: how many models answered, failed, timed out or were absent. */
export interface RoundHealthRow {
  roundAt: Date;
  asset: string;
  horizon: number;
  step: number;
  models: number;
  success: number;
  failed: number;
  timeout: number;
  absent: number;
}

/** A model's windowed scores after one scoring cycle. */
export interface SnapshotRow {
  at: Date;
  modelId: string;
  recent: number | null;
  steady: number | null;
  anchor: number | null;
}

/** One entry of one stored leaderboard. */
export interface LeaderboardRow {
  at: Date;
  rank: number | null;
  modelId: string;
  modelName: string;
  cruncherId: string;
  recent: number | null;
  steady: number | null;
  anchor: number | null;
  scoredCount: number;
}

/** One payout of one reward checkpoint. */
export interface PayoutRow {
  periodStart: Date;
  periodEnd: Date;
  horizon: number;
  rank: number;
  modelId: string;
  playerId: string;
  score: number;
  amount: number;
  units: string;
}

/**
 * The replay's read model: what a replay wrote (rounds, predictions, snapshots, leaderboards,
 * payouts), read back for its outputs. Read-only; each table's writes stay with its own repository.
 * Every list has a total order on stored values (times, names), never on generated ids, so two
 * replays of the same inputs list the same rows in the same order.
 */
export class ReplayResultsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly competition: CompetitionDefinition,
  ) {}

  async roundCount(): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query(`SELECT count(*) AS n FROM prediction_rounds WHERE competition_id = $1`, [this.competition.id]);
    return Number(rows[0]?.n ?? 0);
  }

  async scoredPredictions(): Promise<ScoredPredictionRow[]> {
    const rows: Array<{
      round_at: Date;
      asset: string;
      horizon: number;
      step: number;
      model_id: string;
      status: string;
      failure_reason: string | null;
      score_value: number | null;
      score_success: boolean | null;
      score_failed_reason: string | null;
      scored_at: Date | null;
    }> = await this.dataSource.query(
      `SELECT r.scheduled_at AS round_at, p.asset, p.horizon, p.step, p.model_id, p.status, p.failure_reason,
              p.score_value, p.score_success, p.score_failed_reason, p.scored_at
         FROM predictions_with_scores p JOIN prediction_rounds r ON r.id = p.round_id
        WHERE r.competition_id = $1
        ORDER BY r.scheduled_at, p.asset, p.horizon, p.step, p.model_id`,
      [this.competition.id],
    );
    return rows.map((r) => ({
      roundAt: r.round_at,
      asset: r.asset,
      horizon: r.horizon,
      step: r.step,
      modelId: r.model_id,
      status: r.status,
      failureReason: r.failure_reason,
      score: r.score_value,
      scoreSuccess: r.score_success,
      scoreFailedReason: r.score_failed_reason,
      scoredAt: r.scored_at,
    }));
  }

  /** Largest stored answer per model, in bytes of its JSON text (what `model.maxPredictionBytes` bounds). */
  largestPayloads(): Promise<Map<string, number>> {
    return new PredictionRoundRepository(this.dataSource).largestPayloadBytes({ competitionId: this.competition.id });
  }

  async roundHealth(): Promise<RoundHealthRow[]> {
    const rows: Array<{
      round_at: Date;
      asset: string;
      horizon: number;
      step: number;
      model_count: number;
      success_count: number;
      failed_count: number;
      timeout_count: number;
      absent_count: number;
    }> = await this.dataSource.query(
      `SELECT r.scheduled_at AS round_at, c.asset, c.horizon, c.step, r.model_count, r.success_count, r.failed_count, r.timeout_count, r.absent_count
         FROM prediction_rounds r JOIN prediction_configs c ON c.id = r.config_id
        WHERE r.competition_id = $1
        ORDER BY r.scheduled_at, c.asset, c.horizon, c.step`,
      [this.competition.id],
    );
    return rows.map((r) => ({
      roundAt: r.round_at,
      asset: r.asset,
      horizon: r.horizon,
      step: r.step,
      models: r.model_count,
      success: r.success_count,
      failed: r.failed_count,
      timeout: r.timeout_count,
      absent: r.absent_count,
    }));
  }

  async snapshots(): Promise<SnapshotRow[]> {
    const rows: Array<{ performed_at: Date; model_id: string; score_recent: number | null; score_steady: number | null; score_anchor: number | null }> = await this.dataSource.query(
      `SELECT s.performed_at, s.model_id, s.score_recent, s.score_steady, s.score_anchor
         FROM score_snapshots s JOIN models m ON m.id = s.model_id
        WHERE m.competition_id = $1
        ORDER BY s.performed_at, s.model_id`,
      [this.competition.id],
    );
    return rows.map((r) => ({ at: r.performed_at, modelId: r.model_id, recent: r.score_recent, steady: r.score_steady, anchor: r.score_anchor }));
  }

  async leaderboards(): Promise<LeaderboardRow[]> {
    const rows: Array<{ created_at: Date; entries: unknown }> = await this.dataSource.query(
      `SELECT created_at, entries FROM leaderboards WHERE competition_id = $1 ORDER BY created_at`,
      [this.competition.id],
    );
    return rows.flatMap((r) =>
      readLeaderboardEntries(r.entries).map((e) => ({
        at: r.created_at,
        rank: e.rank,
        modelId: e.model_id,
        modelName: e.model_name,
        cruncherId: e.cruncher_id,
        recent: e.score_recent,
        steady: e.score_steady,
        anchor: e.score_anchor,
        scoredCount: e.scored_count,
      })),
    );
  }

  async payouts(): Promise<PayoutRow[]> {
    const rows: Array<{
      period_start: Date;
      period_end: Date;
      horizon: number;
      rank: number;
      model_id: string;
      player_id: string;
      score: number;
      amount: number;
      units: string;
    }> = await this.dataSource.query(
      `SELECT c.period_start, c.period_end, p.horizon, p.rank, p.model_id, p.player_id, p.score, p.amount, p.units::text AS units
         FROM reward_payouts p JOIN reward_checkpoints c ON c.id = p.checkpoint_id
        WHERE c.competition_id = $1
        ORDER BY c.period_start, p.horizon, p.rank, p.model_id`,
      [this.competition.id],
    );
    return rows.map((r) => ({
      periodStart: r.period_start,
      periodEnd: r.period_end,
      horizon: r.horizon,
      rank: r.rank,
      modelId: r.model_id,
      playerId: r.player_id,
      score: r.score,
      amount: r.amount,
      units: r.units,
    }));
  }
}
