import type { WindowBuckets } from '../window-buckets';
import type { HistorySpan } from './score-history.service';

/** A rescore's range: rounds whose `resolvable_at` is in [from, to]. */
export interface RescoreRange {
  fromMs: number;
  toMs: number;
}

/** A bad range: `from` after `to`, or not a time. */
export class RescoreRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RescoreRangeError';
  }
}

/** Checks a range given by an operator (HTTP or CLI). */
export function rescoreRange(from: Date, to: Date): RescoreRange {
  if (!Number.isFinite(from.getTime()) || !Number.isFinite(to.getTime())) throw new RescoreRangeError('from and to must be times');
  if (from.getTime() > to.getTime()) throw new RescoreRangeError(`from (${from.toISOString()}) is after to (${to.toISOString()})`);
  return { fromMs: from.getTime(), toMs: to.getTime() };
}

/** What a rescore job stores as its parameters (ISO times, as an operator reads them). */
export function rescoreJobParameters(range: RescoreRange): Record<string, unknown> {
  return { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() };
}

export function historyJobParameters(span: HistorySpan, roundId: string): Record<string, unknown> {
  return { roundId, from: new Date(span.fromMs).toISOString(), until: new Date(span.untilMs).toISOString() };
}

/** Reads back stored job parameters (a row edited by hand fails the job with this message). */
export function readRescoreRange(parameters: Record<string, unknown>): RescoreRange {
  return rescoreRange(storedTime(parameters, 'from'), storedTime(parameters, 'to'));
}

export function readHistorySpan(parameters: Record<string, unknown>): HistorySpan {
  return { fromMs: storedTime(parameters, 'from').getTime(), untilMs: storedTime(parameters, 'until').getTime() };
}

function storedTime(parameters: Record<string, unknown>, key: string): Date {
  const value = parameters[key];
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (!Number.isFinite(date.getTime())) throw new RescoreRangeError(`job parameter "${key}" is not a time: ${JSON.stringify(value)}`);
  return date;
}

/**
 * The past cycles a change to scores reaches: from `fromMs` (the first cycle that counted them)
 * until the bucket of the last changed `resolvable_at` has left the longest window.
 *
 * @example
 *   historySpanOf(hourlyBuckets, T, T + 3600_000) // { fromMs: T, untilMs: T + 1 h + 7 days + 1 h }
 */
export function historySpanOf(buckets: WindowBuckets, fromMs: number, lastResolvableAtMs: number): HistorySpan {
  return { fromMs, untilMs: buckets.bucketStartMs(lastResolvableAtMs) + buckets.longestWindowSeconds() * 1000 + buckets.bucketMs };
}
