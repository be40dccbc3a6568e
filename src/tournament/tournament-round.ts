import type { RoundCounts } from '../predict/round/prediction-round';

/**
 * A tournament round's stage: `open` while its models are being called, `predicted` once its
 * predictions are stored (waiting for the truth, or for the cycle that scores it), `scored` when
 * every prediction is scored, `void` when it was voided (by an operator, or no truth in time).
 */
export const TOURNAMENT_ROUND_STATUSES = ['open', 'predicted', 'scored', 'void'] as const;
export type TournamentRoundStatus = (typeof TOURNAMENT_ROUND_STATUSES)[number];

/**
 * One round opened through the API, as stored in `tournament_rounds`, with what the prediction
 * round it ran says about it (counts, scoring progress).
 *
 * @example
 *   { id: '7c1e…', clientRoundId: 'week-12', status: 'scored', predictionRoundId: '0d6f…',
 *     counts: { modelCount: 2, successCount: 2, ... }, scoredPredictions: 2, truth: [0.1, -0.2] }
 */
export interface TournamentRound {
  id: string;
  competitionId: string;
  /** The client's own id of the round (body `round_id` or the Idempotency-Key header), or null. */
  clientRoundId: string | null;
  inputsSha256: string;
  /** The inputs file the round was opened from (relative to `tournament.inputsFolder`), or null. */
  inputsFile: string | null;
  predictionRoundId: string | null;
  /** The prediction round's origin (epoch ms): what the scoring cycle's ground-truth lookup names. */
  performedAtMs: number | null;
  truth: number | number[] | null;
  truthSha256: string | null;
  truthPostedAt: Date | null;
  openedAt: Date;
  status: TournamentRoundStatus;
  counts: RoundCounts | null;
  /** Predictions of the round with a score written (values or failures). */
  scoredPredictions: number;
}

/** One model's prediction in a tournament round, with its score once scored. */
export interface TournamentPrediction {
  modelId: string;
  status: string;
  failureReason: string | null;
  scoreValue: number | null;
  scoreSuccess: boolean | null;
  scoreFailedReason: string | null;
  scoredAt: Date | null;
}

/**
 * The status a round's stored facts add up to. Every prediction scored without a posted truth
 * means the scoring cycle gave up waiting for it (`scoring.maxWaitSeconds`): the round is void.
 *
 * @example
 *   tournamentRoundStatus({ predictionRoundId: 'r', voided: false, modelCount: 2, scoredPredictions: 2, truthPosted: true }) // 'scored'
 */
export function tournamentRoundStatus(facts: { predictionRoundId: string | null; voided: boolean; modelCount: number | null; scoredPredictions: number; truthPosted: boolean }): TournamentRoundStatus {
  if (facts.voided) return 'void';
  if (facts.predictionRoundId === null || facts.modelCount === null) return 'open';
  const allScored = facts.scoredPredictions >= facts.modelCount;
  if (facts.truthPosted) return allScored ? 'scored' : 'predicted';
  return allScored && facts.modelCount > 0 ? 'void' : 'predicted';
}
