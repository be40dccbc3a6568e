/**
 * One predict round of one config and the predictions it stored: the domain types the round
 * service produces and the repository writes.
 */

/** SUCCESS: a valid payload; FAILED: an error or an invalid payload; TIMEOUT: no answer in time; ABSENT: a known model that was not asked or did not answer. */
export type PredictionStatus = 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'ABSENT';

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
