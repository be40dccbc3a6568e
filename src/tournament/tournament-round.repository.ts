import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TournamentPrediction, TournamentRound, tournamentRoundStatus } from './tournament-round';

/** A round about to be opened: the row written before its models are called. */
export interface OpeningRound {
  id: string;
  competitionId: string;
  clientRoundId: string | null;
  inputs: unknown;
  inputsSha256: string;
  inputsFile: string | null;
}

interface RoundRow {
  id: string;
  competition_id: string;
  client_round_id: string | null;
  inputs_sha256: string;
  inputs_file: string | null;
  prediction_round_id: string | null;
  performed_at_ms: string | null;
  truth: number | number[] | null;
  truth_sha256: string | null;
  truth_posted_at: Date | null;
  opened_at: Date;
  voided: boolean;
  model_count: number | null;
  success_count: number | null;
  failed_count: number | null;
  timeout_count: number | null;
  absent_count: number | null;
  scored_predictions: string | number;
}

interface PredictionRow {
  model_id: string;
  status: string;
  failure_reason: string | null;
  score_value: number | null;
  score_success: boolean | null;
  score_failed_reason: string | null;
  scored_at: Date | null;
}

/** The round with what its prediction round says: counts, void, scored predictions. */
const ROUND_SELECT = `
  SELECT t.id, t.competition_id, t.client_round_id, t.inputs_sha256, t.inputs_file, t.prediction_round_id,
         t.performed_at_ms, t.truth, t.truth_sha256, t.truth_posted_at, t.opened_at,
         (r.voided_at IS NOT NULL) AS voided, r.model_count, r.success_count, r.failed_count, r.timeout_count, r.absent_count,
         (SELECT count(*) FROM predictions_with_scores p WHERE p.round_id = t.prediction_round_id AND p.scored_at IS NOT NULL) AS scored_predictions
    FROM tournament_rounds t
    LEFT JOIN prediction_rounds r ON r.id = t.prediction_round_id`;

/**
 * `tournament_rounds`: the rounds a tournament opened through the API, their inputs (kept as
 * posted), the client round id that makes a repeated POST a no-op, and the posted truth.
 *
 * @example
 *   const opened = await repository.open({ id, competitionId, clientRoundId: 'week-12', inputs, inputsSha256, inputsFile: null });
 *   // false when that client round id already exists: read it with byClientRoundId
 */
@Injectable()
export class TournamentRoundRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Writes the round as open; false when its client round id is taken (the unique key decides a race). */
  async open(round: OpeningRound): Promise<boolean> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO tournament_rounds (id, competition_id, client_round_id, inputs, inputs_sha256, inputs_file)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6)
       ON CONFLICT (competition_id, client_round_id) DO NOTHING
       RETURNING id`,
      [round.id, round.competitionId, round.clientRoundId, JSON.stringify(round.inputs), round.inputsSha256, round.inputsFile],
    );
    return rows.length === 1;
  }

  /** Links the prediction round that ran for it (its models were called and their answers stored). */
  async predicted(id: string, predictionRoundId: string, performedAtMs: number): Promise<void> {
    await this.dataSource.query(`UPDATE tournament_rounds SET prediction_round_id = $2, performed_at_ms = $3 WHERE id = $1`, [id, predictionRoundId, performedAtMs]);
  }

  /** Removes a round whose prediction round could not be stored, so the same POST can open it again. */
  async discard(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM tournament_rounds WHERE id = $1 AND prediction_round_id IS NULL`, [id]);
  }

  /** Sets the truth once: false when a truth is already there (the caller compares it). */
  async postTruth(id: string, truth: number | number[], truthSha256: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `UPDATE tournament_rounds SET truth = $2::jsonb, truth_sha256 = $3, truth_posted_at = now() WHERE id = $1 AND truth IS NULL`,
      [id, JSON.stringify(truth), truthSha256],
    );
    return affected === 1;
  }

  async byId(competitionId: string, id: string): Promise<TournamentRound | null> {
    const rows: RoundRow[] = await this.dataSource.query(`${ROUND_SELECT} WHERE t.competition_id = $1 AND t.id = $2`, [competitionId, id]);
    return rows.length === 0 ? null : toRound(rows[0]);
  }

  async byClientRoundId(competitionId: string, clientRoundId: string): Promise<TournamentRound | null> {
    const rows: RoundRow[] = await this.dataSource.query(`${ROUND_SELECT} WHERE t.competition_id = $1 AND t.client_round_id = $2`, [competitionId, clientRoundId]);
    return rows.length === 0 ? null : toRound(rows[0]);
  }

  /** Newest first; `before` (an opened_at) pages back. */
  async recent(competitionId: string, opts: { limit: number; before?: Date }): Promise<TournamentRound[]> {
    const rows: RoundRow[] = await this.dataSource.query(
      `${ROUND_SELECT} WHERE t.competition_id = $1 AND ($2::timestamptz IS NULL OR t.opened_at < $2) ORDER BY t.opened_at DESC, t.id DESC LIMIT $3`,
      [competitionId, opts.before ?? null, opts.limit],
    );
    return rows.map(toRound);
  }

  /** The inputs as posted (kept out of the list reads: they may be large). */
  async inputsOf(id: string): Promise<unknown> {
    const rows: { inputs: unknown }[] = await this.dataSource.query(`SELECT inputs FROM tournament_rounds WHERE id = $1`, [id]);
    return rows[0]?.inputs;
  }

  /** The predictions of the round's prediction round, by model id. */
  async predictionsOf(predictionRoundId: string): Promise<TournamentPrediction[]> {
    const rows: PredictionRow[] = await this.dataSource.query(
      `SELECT model_id, status, failure_reason, score_value, score_success, score_failed_reason, scored_at
         FROM predictions_with_scores WHERE round_id = $1 ORDER BY model_id`,
      [predictionRoundId],
    );
    return rows.map((r) => ({
      modelId: r.model_id,
      status: r.status,
      failureReason: r.failure_reason,
      scoreValue: r.score_value === null ? null : Number(r.score_value),
      scoreSuccess: r.score_success,
      scoreFailedReason: r.score_failed_reason,
      scoredAt: r.scored_at,
    }));
  }

  /**
   * The round whose prediction round has this origin (what a scoring cycle's ground-truth query
   * names): `undefined` when none has; `truth` null while it was not posted.
   */
  async truthAt(competitionId: string, performedAtMs: number): Promise<{ id: string; truth: number | number[] | null } | undefined> {
    const rows: { id: string; truth: number | number[] | null }[] = await this.dataSource.query(
      `SELECT id, truth FROM tournament_rounds WHERE competition_id = $1 AND performed_at_ms = $2`,
      [competitionId, performedAtMs],
    );
    return rows[0];
  }
}

function toRound(row: RoundRow): TournamentRound {
  const scoredPredictions = Number(row.scored_predictions);
  const counts =
    row.model_count === null
      ? null
      : { modelCount: row.model_count, successCount: row.success_count ?? 0, failedCount: row.failed_count ?? 0, timeoutCount: row.timeout_count ?? 0, absentCount: row.absent_count ?? 0 };
  return {
    id: row.id,
    competitionId: row.competition_id,
    clientRoundId: row.client_round_id,
    inputsSha256: row.inputs_sha256,
    inputsFile: row.inputs_file,
    predictionRoundId: row.prediction_round_id,
    performedAtMs: row.performed_at_ms === null ? null : Number(row.performed_at_ms),
    truth: row.truth,
    truthSha256: row.truth_sha256,
    truthPostedAt: row.truth_posted_at,
    openedAt: row.opened_at,
    counts,
    scoredPredictions,
    status: tournamentRoundStatus({
      predictionRoundId: row.prediction_round_id,
      voided: row.voided === true,
      modelCount: row.model_count,
      scoredPredictions,
      truthPosted: row.truth_posted_at !== null,
    }),
  };
}
