import type { PredictionStatus } from './prediction-round';

/**
 * Where a round stands on its way to the leaderboard, so nothing is ever silently pending:
 * - `predicting`: the round is claimed but no prediction is stored yet;
 * - `awaiting_horizon`: predictions stored, the horizon has not elapsed (nothing to score yet);
 * - `waiting_for_truth`: resolvable, some predictions still unscored (the scoring cycle waits for
 *   the feed's truth prices, or has not reached the round yet);
 * - `scored`: every prediction carries its score;
 * - `void`: an operator voided the round; it never counts.
 */
export const ROUND_SCORING_STATES = ['predicting', 'awaiting_horizon', 'waiting_for_truth', 'scored', 'void'] as const;
export type RoundScoringState = (typeof ROUND_SCORING_STATES)[number];

/** One round as the rounds view reads it: its parameter set, its outcome counts and its scoring progress. */
export interface RoundSummary {
  id: string;
  asset: string;
  horizon: number;
  step: number;
  scheduledAt: Date;
  performedAt: Date;
  resolvableAt: Date;
  counts: Record<PredictionStatus, number>;
  scoredCount: number;
  unscoredCount: number;
  /** Set once the round is voided (null while the schema has no void marker, or the round stands). */
  voidedAt: Date | null;
  voidReason: string | null;
  /** The round's keyset position (microsecond text of performed_at), for the next page. */
  cursorAt: string;
}

/**
 * The scoring state of a round at `nowMs` (see ROUND_SCORING_STATES).
 *
 * @example
 *   roundScoringState({ voidedAt: null, counts: { SUCCESS: 3, FAILED: 0, TIMEOUT: 0, ABSENT: 1 }, unscoredCount: 4, resolvableAt: new Date(0) }, Date.now())
 *   // 'waiting_for_truth'
 */
export function roundScoringState(round: Pick<RoundSummary, 'voidedAt' | 'counts' | 'unscoredCount' | 'resolvableAt'>, nowMs: number): RoundScoringState {
  if (round.voidedAt !== null) return 'void';
  const stored = round.counts.SUCCESS + round.counts.FAILED + round.counts.TIMEOUT + round.counts.ABSENT;
  if (stored === 0) return 'predicting';
  if (round.unscoredCount === 0) return 'scored';
  return round.resolvableAt.getTime() > nowMs ? 'awaiting_horizon' : 'waiting_for_truth';
}

/** One model's prediction with its outcome, for the model page (payload left out). */
export interface ModelPrediction {
  id: string;
  roundId: string;
  asset: string;
  horizon: number;
  step: number;
  status: PredictionStatus;
  execTimeUs: number | null;
  failureReason: string | null;
  performedAt: Date;
  resolvableAt: Date;
  scoreValue: number | null;
  scoreSuccess: boolean | null;
  scoreFailedReason: string | null;
  scoredAt: Date | null;
  cursorAt: string;
}
