/**
 * The scorer contract: how a competition turns one prediction and its ground truth into a number.
 *
 * @example
 *   @CompetitionScorer('hit-rate')
 *   @Injectable()
 *   export class HitRateScorer implements Scorer {
 *     readonly name = 'hit-rate';
 *     readonly direction = 'higher';
 *     score({ payload, truth }: ScoreInput): ScoreOutcome {
 *       if (typeof payload !== 'number' || !Number.isFinite(payload)) return scoreFailed('payload must be a finite number');
 *       return scoreValue(Math.sign(payload) === Math.sign(truth[0]) ? 1 : 0);
 *     }
 *   }
 */
import type { UniformSteps } from '../../predict/round/density-payload-codec';

export type ScoreDirection = 'higher' | 'lower';

export interface ScoreInput {
  /** What the model returned (already JSON-decoded; may be anything: validate!). */
  payload: unknown;
  /** Ground truth per step (e.g. log-returns), length horizon/step for density competitions. */
  truth: number[];
  asset: string;
  horizon: number;
  step: number;
  /** The competition's scorer options. */
  options: Record<string, unknown>;
  /**
   * A multi-resolution prediction only (a config with `steps`, answered by `predict_all`): the
   * truth of every answered step, one value per increment of that step. The payload is then an
   * object keyed by step (`{"300": [specs...], "3600": [...]}`); `step` and `truth` are those of
   * the parameter-set step. Absent for single-resolution predictions.
   */
  resolutions?: readonly ResolutionTruth[];
  /**
   * The payload's steps as float64 numbers, when it was stored compact and is an array of entries
   * of one structure (density-payload-codec.ts): a scorer may read them instead of `payload`
   * (the density scorers do), and must score the same either way. `payload` is then decoded on
   * first read only.
   */
  compactSteps?: UniformSteps;
}

/** The realised increments at one step of a multi-resolution prediction. */
export interface ResolutionTruth {
  step: number;
  /** `floor(horizon / step)` values: the target over each increment of `step` seconds. */
  truth: number[];
  /** Increments whose two ends were priced by the same observation (a feed gap), if any. */
  sameObservation?: readonly number[];
}

/** `reason`: short, no stack traces, at most 200 characters. */
export type ScoreOutcome = { ok: true; value: number } | { ok: false; reason: string };

export interface Scorer {
  readonly name: string;
  readonly direction: ScoreDirection;
  /** True when the scorer reads multi-resolution payloads (`ScoreInput.resolutions`); checked at startup. */
  readonly multiResolution?: boolean;
  /** Throws ScorerOptionsError naming the bad option key; called once at startup. */
  validateOptions?(options: Record<string, unknown>): void;
  /** Must never throw, whatever the payload. */
  score(input: ScoreInput): ScoreOutcome;
}

export const MAX_REASON_LENGTH = 200;

export function scoreValue(value: number): ScoreOutcome {
  return { ok: true, value };
}

/** A failed outcome; the reason is cut to MAX_REASON_LENGTH characters. */
export function scoreFailed(reason: string): ScoreOutcome {
  return {
    ok: false,
    reason: reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason,
  };
}

import { ScorerOptionsError } from './scorer.errors';

export { ScorerOptionsError };

/**
 * Runs a scorer body so that nothing escapes: an options error or an unexpected exception (a
 * hostile payload, e.g. a throwing getter) becomes a failed outcome with a short reason.
 */
export function scoreSafely(evaluate: () => ScoreOutcome): ScoreOutcome {
  try {
    return evaluate();
  } catch (error) {
    if (error instanceof ScorerOptionsError) return scoreFailed(error.message);
    return scoreFailed('payload could not be read');
  }
}
