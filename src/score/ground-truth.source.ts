/** Injection token of the app's ground-truth provider (the data source binds it). */
export const GROUND_TRUTH = Symbol('GROUND_TRUTH');

export interface GroundTruthQuery {
  subject: string;
  /** The prediction's origin (epoch ms). */
  performedAtMs: number;
  /** Seconds. */
  horizon: number;
  /** Seconds. */
  step: number;
  target: 'log-return' | 'difference';
}

/**
 * `retryable`: the data is not there yet (wait); otherwise it never will be (a gap).
 * `sameObservation`: increments whose two ends were priced by the same observation, if any.
 */
export type GroundTruthAnswer =
  | { ok: true; values: number[]; sameObservation?: number[] }
  | { ok: false; reason: string; retryable: boolean };

/**
 * Where scoring gets what really happened: `values[k]` is the realised target over step k of a
 * prediction made at `performedAtMs`.
 *
 * @example
 *   await truth.groundTruth({ subject: 'BTC', performedAtMs: t0, horizon: 3600, step: 60, target: 'log-return' })
 *   // { ok: true, values: [0.0004, -0.0011, ...] }  (60 values)
 *   // { ok: false, reason: 'BTC: waiting for data up to ...', retryable: true }
 */
export interface GroundTruthSource {
  groundTruth(q: GroundTruthQuery): Promise<GroundTruthAnswer>;
}
