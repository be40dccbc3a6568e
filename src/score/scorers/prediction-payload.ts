/**
 * Shape checks shared by the built-in scorers: each returns the checked value or a short reason
 * string. None of them throws, and none iterates an array before checking its length.
 */

/** The number of steps of a prediction (`floor(horizon / step)`), or a reason. */
export function expectedStepCount(horizon: number, step: number): number | string {
  if (typeof step !== 'number' || !(step > 0) || !Number.isFinite(step)) return 'step must be a positive number';
  if (typeof horizon !== 'number' || !(horizon >= step) || !Number.isFinite(horizon)) return 'horizon must be >= step';
  return Math.floor(horizon / step);
}

/** The payload as an array of exactly `count` entries, or a reason. */
export function readStepEntries(payload: unknown, count: number): unknown[] | string {
  if (!Array.isArray(payload)) return `payload must be an array of ${count} entries, got ${describeValue(payload)}`;
  if (payload.length !== count) return `payload has ${payload.length} entries, expected ${count}`;
  return payload;
}

/** Ground truth as `count` finite numbers, or a reason. */
export function readTruth(truth: unknown, count: number): number[] | string {
  if (!Array.isArray(truth)) return 'truth must be an array of numbers';
  if (truth.length !== count) return `truth has ${truth.length} values, expected ${count}`;
  for (let i = 0; i < truth.length; i++) {
    const value: unknown = truth[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) return `truth value ${i} is not a finite number`;
  }
  return truth;
}

/** A step-by-step prediction: one payload entry and one truth value per step. */
export interface StepPayload {
  count: number;
  entries: unknown[];
  truth: number[];
}

/** The `horizon/step` entries of a prediction with their truth values, or a reason. */
export function readStepPayload(input: { payload: unknown; truth: unknown; horizon: number; step: number }): StepPayload | string {
  const count = expectedStepCount(input.horizon, input.step);
  if (typeof count === 'string') return count;
  const entries = readStepEntries(input.payload, count);
  if (typeof entries === 'string') return entries;
  const truth = readTruth(input.truth, count);
  if (typeof truth === 'string') return truth;
  return { count, entries, truth };
}

/**
 * A numeric prediction to compare with `truthLength` truth values: a single finite number (used
 * for every truth value) or an array of exactly `truthLength` finite numbers.
 */
export function readNumbers(payload: unknown, truthLength: number): number[] | string {
  if (typeof payload === 'number') {
    if (!Number.isFinite(payload)) return 'payload must be a finite number';
    return new Array<number>(truthLength).fill(payload);
  }
  if (!Array.isArray(payload)) return `payload must be a number or an array of numbers, got ${describeValue(payload)}`;
  if (payload.length !== truthLength) return `payload has ${payload.length} values, expected ${truthLength}`;
  for (let i = 0; i < payload.length; i++) {
    const value: unknown = payload[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) return `payload value ${i} is not a finite number`;
  }
  return payload as number[];
}

/** Ground truth of a point/classification competition: a non-empty array of finite numbers. */
export function readPointTruth(truth: unknown): number[] | string {
  if (!Array.isArray(truth) || truth.length === 0) return 'truth must be a non-empty array of numbers';
  return readTruth(truth, truth.length);
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
