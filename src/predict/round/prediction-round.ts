/**
 * One predict round of one config and the predictions it stored: the domain types the round
 * service produces and the repository writes.
 */

/** SUCCESS: a valid payload; FAILED: an error or an invalid payload; TIMEOUT: no answer in time; ABSENT: a known model that was not asked or did not answer. */
export const PREDICTION_STATUSES = ['SUCCESS', 'FAILED', 'TIMEOUT', 'ABSENT'] as const;
export type PredictionStatus = (typeof PREDICTION_STATUSES)[number];

export function isPredictionStatus(value: unknown): value is PredictionStatus {
  return typeof value === 'string' && (PREDICTION_STATUSES as readonly string[]).includes(value);
}

export interface PredictionRoundRecord {
  id: string;
  competitionId: string;
  configId: string;
  /** The schedule slot this round fills (unique per config: a slot runs at most once). */
  scheduledAt: Date;
  /** The forecast origin: the round's time from the Clock. */
  performedAt: Date;
  /** performedAt + horizon. */
  resolvableAt: Date;
}

/** One model's prediction in a round, ready to insert (`payloadJson` is the checked JSON text). */
export interface PredictionRecord {
  id: string;
  modelId: string;
  status: PredictionStatus;
  execTimeUs: number | null;
  payloadJson: string | null;
  failureReason: string | null;
}

export interface RoundCounts {
  modelCount: number;
  successCount: number;
  failedCount: number;
  timeoutCount: number;
  absentCount: number;
}

export function countStatuses(predictions: readonly Pick<PredictionRecord, 'status'>[]): RoundCounts {
  const counts: RoundCounts = { modelCount: predictions.length, successCount: 0, failedCount: 0, timeoutCount: 0, absentCount: 0 };
  for (const p of predictions) {
    if (p.status === 'SUCCESS') counts.successCount++;
    else if (p.status === 'FAILED') counts.failedCount++;
    else if (p.status === 'TIMEOUT') counts.timeoutCount++;
    else counts.absentCount++;
  }
  return counts;
}

/**
 * An unscored prediction as a scoring cycle reads it. The payload is `payloadCompact` (its compact
 * form, density-payload-codec.ts) or else `payloadJson` (its JSON text); both null when there is
 * none, or when the prediction did not succeed and its payload is not needed. It is decoded right
 * before scoring, one prediction at a time, so a batch holds flat buffers and strings rather than
 * thousands of short-lived objects.
 */
export interface ClaimedPrediction {
  id: string;
  roundId: string;
  modelId: string;
  asset: string;
  horizon: number;
  step: number;
  status: PredictionStatus;
  payloadJson: string | null;
  payloadCompact?: Uint8Array | null;
  failureReason: string | null;
  performedAtMs: number;
  resolvableAtMs: number;
}

/** The score columns of one prediction, as a scoring cycle writes them (`value` null: no score). */
export interface PredictionScoreColumns {
  id: string;
  /** The prediction's `performed_at` (epoch ms): the partition key, so a score write finds its row in one partition. */
  performedAtMs: number;
  value: number | null;
  success: boolean;
  failedReason: string | null;
}

/** The first and the last `performed_at` (epoch ms) of some rounds: which partitions hold their predictions. */
export interface PerformedSpan {
  fromMs: number;
  toMs: number;
}

/** The span of some `performed_at` times (epoch ms; at least one). */
/**
 * Orders predictions by round id, then model id, in code-unit order (the same on every engine and
 * locale): the order scores are settled and summed in, so their float sums are the same in every run.
 */
export function byRoundThenModel(a: Pick<ClaimedPrediction, 'roundId' | 'modelId'>, b: Pick<ClaimedPrediction, 'roundId' | 'modelId'>): number {
  if (a.roundId !== b.roundId) return a.roundId < b.roundId ? -1 : 1;
  if (a.modelId !== b.modelId) return a.modelId < b.modelId ? -1 : 1;
  return 0;
}

export function performedSpan(times: Iterable<number>): PerformedSpan {
  let fromMs = Infinity;
  let toMs = -Infinity;
  for (const ms of times) {
    if (ms < fromMs) fromMs = ms;
    if (ms > toMs) toMs = ms;
  }
  return { fromMs, toMs };
}

/** A ground-truth origin shared by some unscored predictions of a due round. */
export interface DueRoundOrigin {
  roundId: string;
  asset: string;
  horizon: number;
  step: number;
  performedAtMs: number;
  resolvableAtMs: number;
  unscored: number;
  /** False when none of them succeeded: no ground truth is needed to score them. */
  needsTruth: boolean;
  /** Whether some predictions of the round were scored already (a round scored in parts). */
  hadScores: boolean;
}

/** A scored prediction as the report lists it; `cursorAt` is performed_at to the microsecond (keyset paging). */
export interface ScoredPrediction {
  id: string;
  modelId: string;
  asset: string;
  horizon: number;
  step: number;
  scoreValue: number | null;
  scoreSuccess: boolean | null;
  scoreFailedReason: string | null;
  scoredAt: Date;
  performedAt: Date;
  cursorAt: string;
}

/** How one model's predictions went over a period: counts per status, execution times, the latest outcome. */
export interface PredictionHealth {
  modelId: string;
  counts: Record<PredictionStatus, number>;
  execAvgUs: number | null;
  execP50Us: number | null;
  execP95Us: number | null;
  execMaxUs: number | null;
  lastStatus: PredictionStatus | null;
  lastPerformedAt: Date | null;
  lastFailureReason: string | null;
}
