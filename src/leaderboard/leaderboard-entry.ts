import type { OverallWindowScore } from '../score/model-standing';

/**
 * One row of a stored leaderboard (`leaderboards.entries`), in the report API's snake_case.
 * `rank` is null for a model that is listed but not ranked: it left the competition, or has
 * fewer than `minScoredPredictions` scored predictions in the ranking window.
 */
export interface LeaderboardEntry {
  rank: number | null;
  model_id: string;
  model_name: string;
  cruncher_name: string;
  cruncher_id: string;
  score_recent: number | null;
  score_steady: number | null;
  score_anchor: number | null;
  /** Every configured window: value, count, failed, params, complete. */
  windows: Record<string, OverallWindowScore>;
  /** Window name -> complete (the model has been scored for the whole window). */
  complete: Record<string, boolean>;
  /** Scored predictions in the ranking window. */
  scored_count: number;
  /** Rank in the previous leaderboard (null: unranked or absent there), for trend arrows. */
  previous_rank: number | null;
  /** The model left the competition (models.left_at set): shown while it has scores, never ranked. */
  left: boolean;
  /** Status of the model's latest prediction (SUCCESS, FAILED, TIMEOUT, ABSENT), null if none. */
  last_status: string | null;
}

export interface Leaderboard {
  createdAt: Date;
  entries: LeaderboardEntry[];
}
