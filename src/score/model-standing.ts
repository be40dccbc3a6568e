import { parseParamKey, ScoreWindowDefinition } from '../config/competition/competition.types';
import type { WindowBuckets } from './window-buckets';

/** A window's mean score and how it was formed. `value` null: nothing scored in the window. */
export interface WindowScore {
  value: number | null;
  /** Predictions with a score in the window (successes and penalised failures). */
  count: number;
  /** Failed predictions in the window (penalised or void). */
  failed: number;
  /** True once the model has been scored for the whole window length. */
  complete: boolean;
}

/** Overall window: also how many parameter sets contributed a value. */
export interface OverallWindowScore extends WindowScore {
  params: number;
}

export interface ParamStanding {
  param: string;
  asset: string;
  horizon: number;
  step: number;
  windows: Record<string, WindowScore>;
}

/** A model's windows at one scoring cycle: what a snapshot stores and the leaderboard ranks. */
export interface ModelStanding {
  modelId: string;
  windows: Record<string, OverallWindowScore>;
  params: ParamStanding[];
}

/** Sums of one model and parameter set over each window (same order as the windows). */
export interface WindowTotals {
  modelId: string;
  param: string;
  totals: Array<{ sum: number; count: number; failed: number }>;
}

/**
 * Turns window totals into standings. Per parameter set a window's value is the mean of its scores;
 * the overall value of a window is the mean over the parameter sets that have a value in it (a
 * parameter set with nothing scored in the window is left out, not counted as 0; `params` says
 * how many contributed), weighted by asset when `assetWeights` is given (see `overallValue`). A window is complete when the model's first scored bucket (overall: on
 * any parameter set) is at or before the window's first bucket. Models with nothing in any
 * window are left out.
 *
 * @example
 *   computeStandings([{ modelId: 'm', param: 'BTC-3600-60', totals: [{ sum: 3, count: 2, failed: 0 }] }], firstBuckets, windows, buckets, now)
 *   // [{ modelId: 'm', windows: { recent: { value: 1.5, count: 2, failed: 0, params: 1, complete: ... } }, params: [...] }]
 */
export function computeStandings(
  totals: readonly WindowTotals[],
  firstBucketMs: ReadonlyMap<string, ReadonlyMap<string, number>>,
  windows: readonly ScoreWindowDefinition[],
  buckets: WindowBuckets,
  nowMs: number,
  assetWeights?: Readonly<Record<string, number>>,
): ModelStanding[] {
  const starts = windows.map((w) => buckets.windowStartMs(nowMs, w.seconds));
  const byModel = new Map<string, WindowTotals[]>();
  for (const t of totals) {
    if (!t.totals.some((w) => w.count > 0 || w.failed > 0)) continue;
    const list = byModel.get(t.modelId) ?? [];
    list.push(t);
    byModel.set(t.modelId, list);
  }
  const standings: ModelStanding[] = [];
  for (const [modelId, rows] of [...byModel].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const coverage = firstBucketMs.get(modelId) ?? new Map<string, number>();
    const modelFirst = Math.min(...[...coverage.values()], Infinity);
    const params = rows
      .sort((a, b) => (a.param < b.param ? -1 : a.param > b.param ? 1 : 0))
      .map((row) => paramStanding(row, windows, starts, coverage.get(row.param) ?? Infinity));
    const overall: Record<string, OverallWindowScore> = {};
    windows.forEach((w, i) => {
      const values = params.map((p) => p.windows[w.name]).filter((s) => s.value !== null);
      overall[w.name] = {
        value: overallValue(params, w.name, assetWeights),
        count: params.reduce((acc, p) => acc + p.windows[w.name].count, 0),
        failed: params.reduce((acc, p) => acc + p.windows[w.name].failed, 0),
        complete: modelFirst <= starts[i],
        params: values.length,
      };
    });
    standings.push({ modelId, windows: overall, params });
  }
  return standings;
}

/**
 * The overall value of one window: the mean over the parameter sets that have a value in it, or
 * with `assetWeights` the weighted mean `sum(w_asset * v) / sum(w_asset)` over them (the Synth
 * game's overall score weighs each asset's mean; an asset without a weight weighs 1). Null when
 * no parameter set has a value.
 *
 * @example
 *   overallValue([btc(10), eth(20)], 'anchor', { BTC: 1, ETH: 0.5 }) // (10 + 0.5 * 20) / 1.5 = 13.33
 */
export function overallValue(
  params: readonly Pick<ParamStanding, 'asset' | 'windows'>[],
  window: string,
  assetWeights?: Readonly<Record<string, number>>,
): number | null {
  let weighted = 0;
  let totalWeight = 0;
  for (const p of params) {
    const value = p.windows[window]?.value;
    if (value === null || value === undefined) continue;
    const weight = assetWeights !== undefined && Object.prototype.hasOwnProperty.call(assetWeights, p.asset) ? assetWeights[p.asset] : 1;
    weighted += weight * value;
    totalWeight += weight;
  }
  return totalWeight === 0 ? null : weighted / totalWeight;
}

function paramStanding(row: WindowTotals, windows: readonly ScoreWindowDefinition[], starts: number[], firstMs: number): ParamStanding {
  // The bucket key is the one place a parameter set is stored as text.
  const parsed = parseParamKey(row.param) ?? { asset: row.param, horizon: 0, step: 0 };
  const scores: Record<string, WindowScore> = {};
  windows.forEach((w, i) => {
    const t = row.totals[i];
    scores[w.name] = { value: t.count > 0 ? t.sum / t.count : null, count: t.count, failed: t.failed, complete: firstMs <= starts[i] };
  });
  return { param: row.param, ...parsed, windows: scores };
}
