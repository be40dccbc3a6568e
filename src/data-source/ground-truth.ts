import type { Observation } from './price-window';

export type GroundTruthTarget = 'log-return' | 'difference';

export interface GroundTruthQuery {
  subject: string;
  /** When the prediction was made (epoch ms): the origin of its steps. */
  performedAtMs: number;
  /** Seconds. */
  horizon: number;
  /** Seconds. */
  step: number;
  target: GroundTruthTarget;
}

export type GroundTruthResult =
  | {
      ok: true;
      values: number[];
      /**
       * Increments whose two ends were priced by the same observation (a gap in the feed), listed
       * only when there are any. The Synth game leaves such increments out of its score.
       */
      sameObservation?: number[];
    }
  | { ok: false; reason: string; retryable: boolean };

/** How observations are looked up: nearest to a time, or null beyond `maxDistanceMs`. */
export interface ObservationLookup {
  nearest(ts: number, maxDistanceMs: number): Observation | null;
  newestTs(): number | null;
}

/**
 * The realised targets of a prediction: `values[k]` is the change of the value over
 * `(performedAt + k*step, performedAt + (k+1)*step]`, each end priced by the nearest observation
 * within `stalenessMs`. Not ready (retryable) until the feed has data past the last boundary;
 * a boundary with no observation near it once data has moved past is a gap (not retryable).
 *
 * @example
 *   realisedTargets({ subject: 'BTC', performedAtMs: 0, horizon: 120, step: 60, target: 'log-return' }, window, 30_000)
 *   // { ok: true, values: [ln(p(60s)) - ln(p(0)), ln(p(120s)) - ln(p(60s))] }
 */
export function realisedTargets(q: GroundTruthQuery, observations: ObservationLookup, stalenessMs: number): GroundTruthResult {
  if (!(Number.isInteger(q.horizon) && q.horizon > 0 && Number.isInteger(q.step) && q.step > 0)) {
    return { ok: false, reason: `horizon ${q.horizon} and step ${q.step} must be positive integers of seconds`, retryable: false };
  }
  if (q.horizon % q.step !== 0) return { ok: false, reason: `horizon ${q.horizon} is not a multiple of step ${q.step}`, retryable: false };
  const steps = q.horizon / q.step;
  const lastBoundary = q.performedAtMs + q.horizon * 1000;
  const newest = observations.newestTs();
  if (newest === null || newest < lastBoundary) {
    const seen = newest === null ? 'no data yet' : `data up to ${new Date(newest).toISOString()}`;
    return { ok: false, reason: `${q.subject}: waiting for data up to ${new Date(lastBoundary).toISOString()} (${seen})`, retryable: true };
  }
  const prices: number[] = [];
  const pricedAt: number[] = [];
  for (let k = 0; k <= steps; k++) {
    const at = q.performedAtMs + k * q.step * 1000;
    const found = observations.nearest(at, stalenessMs);
    if (!found) {
      return {
        ok: false,
        reason: `${q.subject}: no observation within ${stalenessMs / 1000}s of ${new Date(at).toISOString()} (gap in the feed)`,
        retryable: false,
      };
    }
    prices.push(found.value);
    pricedAt.push(found.ts);
  }
  const values: number[] = [];
  const sameObservation: number[] = [];
  for (let k = 0; k < steps; k++) {
    const change = q.target === 'log-return' ? Math.log(prices[k + 1]) - Math.log(prices[k]) : prices[k + 1] - prices[k];
    if (!Number.isFinite(change)) {
      return { ok: false, reason: `${q.subject}: ${q.target} of step ${k} is not finite (${prices[k]} -> ${prices[k + 1]})`, retryable: false };
    }
    values.push(change);
    if (pricedAt[k] === pricedAt[k + 1]) sameObservation.push(k);
  }
  return sameObservation.length > 0 ? { ok: true, values, sameObservation } : { ok: true, values };
}
