import { asObject, integerOrNull, stringOr } from './json-fields';
import { readWindowScores, WindowScore } from './window-scores';

/** One parameter set's scores inside a snapshot's `params` jsonb. */
export interface SnapshotParam {
  param: string;
  asset: string;
  horizon: number;
  step: number;
  windows: Record<string, WindowScore>;
}

/**
 * Reads one element of `score_snapshots.params`
 * (`{param, asset, horizon, step, windows: {recent: {value, count, complete}, ...}}`).
 * Missing asset/horizon/step are taken from `param` ("BTC-3600-60"); returns undefined when
 * neither says which parameter set it is.
 */
export function readSnapshotParam(raw: unknown, windowNames: readonly string[]): SnapshotParam | undefined {
  const e = asObject(raw);
  if (!e) return undefined;
  const fromKey = parseParamKey(e.param);
  const asset = stringOr(e.asset, fromKey?.asset ?? '');
  const horizon = integerOrNull(e.horizon) ?? fromKey?.horizon ?? null;
  const step = integerOrNull(e.step) ?? fromKey?.step ?? null;
  if (asset === '' || horizon === null || step === null) return undefined;
  return { param: typeof e.param === 'string' ? e.param : `${asset}-${horizon}-${step}`, asset, horizon, step, windows: readWindowScores(e, windowNames) };
}

function parseParamKey(value: unknown): { asset: string; horizon: number; step: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(.+)-(\d+)-(\d+)$/.exec(value);
  return m ? { asset: m[1], horizon: Number(m[2]), step: Number(m[3]) } : undefined;
}
