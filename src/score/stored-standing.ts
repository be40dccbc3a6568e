import { paramKey } from '../config/competition/competition.types';
import { asObject } from '../database/stored-json';
import type { OverallWindowScore, ParamStanding, WindowScore } from './model-standing';

/**
 * Readers of standings stored as jsonb (`score_snapshots.windows` / `.params`, and the `windows`
 * of leaderboard entries), for readers that must not trust a row written by an older version or
 * by hand: anything malformed reads as absent, never as a crash.
 */

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * A stored window score, or undefined unless its value (a finite number or null), count and
 * complete flag are well-formed. `failed` (and `params` of an overall window) read as 0 when an
 * older row lacks them.
 *
 * @example
 *   readWindowScore({ value: 0.1, count: 3, complete: false }) // { value: 0.1, count: 3, failed: 0, complete: false, params: 0 }
 *   readWindowScore({ value: 0.1 })                             // undefined
 */
export function readWindowScore(stored: unknown): OverallWindowScore | undefined {
  const w = asObject(stored);
  if (!w) return undefined;
  const value = w.value === null || (typeof w.value === 'number' && Number.isFinite(w.value)) ? w.value : undefined;
  if (value === undefined || !isCount(w.count) || typeof w.complete !== 'boolean') return undefined;
  return { value, count: w.count, failed: isCount(w.failed) ? w.failed : 0, complete: w.complete, params: isCount(w.params) ? w.params : 0 };
}

/** Window name -> score, keeping only the well-formed windows of a stored `{name: {...}}` object. */
export function readWindowScores(stored: unknown): Record<string, OverallWindowScore> {
  const out: Record<string, OverallWindowScore> = {};
  for (const [name, raw] of Object.entries(asObject(stored) ?? {})) {
    const score = readWindowScore(raw);
    if (score) out[name] = score;
  }
  return out;
}

/**
 * One stored parameter set's standing (`{param, asset, horizon, step, windows}`), or undefined
 * when it does not say which parameter set it is (asset, integer horizon and step).
 */
export function readParamStanding(stored: unknown): ParamStanding | undefined {
  const e = asObject(stored);
  if (!e || typeof e.asset !== 'string' || e.asset === '' || !isCount(e.horizon) || !isCount(e.step)) return undefined;
  const set = { asset: e.asset, horizon: e.horizon, step: e.step };
  const windows: Record<string, WindowScore> = {};
  for (const [name, score] of Object.entries(readWindowScores(e.windows))) windows[name] = { value: score.value, count: score.count, failed: score.failed, complete: score.complete };
  return { param: typeof e.param === 'string' ? e.param : paramKey(set), ...set, windows };
}
