'use strict';
/**
 * Participant interface of the {{name}} competition for JavaScript and TypeScript models (the twin
 * of Python's `{{base_class_path}}`; types in tracker.d.ts).
 *
 * Setup class name: `{{base_class_path}}`, loaded as `require('{{module}}/tracker')`. A submission
 * exports one subclass and writes `predict`; the base class's `tick` keeps prices in `this.prices`.
 *
 * @example
 *   import { {{base_class}} } from '{{module}}/tracker';
 *   export class MyTracker extends {{base_class}} {
 *     predict({{ts_predict_params}}) { ... } // {{output_summary}}
 *   }
 */

/** Assets of the feed, as in competition.yaml. */
const ASSETS = {{assets_json}};
/** What is scored per step: "log-return" (log(p1 / p0)) or "difference" (p1 - p0). */
const TARGET = '{{target}}';
/** Points kept per asset. */
const MAX_POINTS = 20000;

class {{base_class}} {
  constructor() {
    /** Per asset, the `[ts_seconds, price]` points received so far, oldest first. */
    this.prices = {};
  }

  /**
   * Receives new prices; the default keeps them in `this.prices`.
   * @param data `{"ASSET": [[ts_seconds, price], ...]}`: the last {{history_seconds}} s when the model
   *   joins or is redeployed, then the points since the previous tick. Points at or before the last
   *   known timestamp, and non-positive prices, are ignored.
   */
  tick(data) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return;
    for (const [asset, points] of Object.entries(data)) {
      const history = this.prices[asset] || (this.prices[asset] = []);
      let lastTs = history.length ? history[history.length - 1][0] : -Infinity;
      for (const point of Array.isArray(points) ? points : []) {
        if (!Array.isArray(point) || point.length < 2) continue;
        const [ts, price] = point;
        if (typeof ts === 'number' && typeof price === 'number' && ts > lastTs && Number.isFinite(price) && price > 0) {
          history.push([ts, price]);
          lastTs = ts;
        }
      }
      if (history.length > MAX_POINTS) history.splice(0, history.length - MAX_POINTS);
    }
  }

  /**
   * Forecasts one configuration: {{output_summary}}. Submissions must override it.
{{ts_predict_args_doc}}
   */
  predict({{ts_predict_names}}) {
    throw new Error(`${this.constructor.name} does not implement predict(${[{{ts_predict_names}}].join(', ')})`);
  }

  /** The latest price of `asset`, or null before its first tick. */
  lastPrice(asset) {
    const history = this.prices[asset];
    return history && history.length ? history[history.length - 1][1] : null;
  }

  /** The last `count` per-step target values (TARGET over `step` seconds), oldest first. */
  changes(asset, step, count = 60) {
    const history = this.prices[asset] || [];
    const points = [];
    let nextTs = null;
    for (let i = history.length - 1; i >= 0 && points.length <= count; i--) {
      const [ts, price] = history[i];
      if (nextTs === null || nextTs - ts >= step) {
        points.push(price);
        nextTs = ts;
      }
    }
    points.reverse();
    const out = [];
    for (let i = 1; i < points.length; i++) out.push(TARGET === 'log-return' ? Math.log(points[i] / points[i - 1]) : points[i] - points[i - 1]);
    return out;
  }

  /** Root mean square of the recent per-step changes, or `prior` with fewer than 5 of them. */
  volatility(asset, step, count = 60, prior = undefined) {
    const values = this.changes(asset, step, count);
    if (values.length >= 5) {
      const rms = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);
      if (rms > 0) return rms;
    }
    if (prior !== undefined) return prior;
    return TARGET === 'log-return' ? 0.001 : 0.001 * (this.lastPrice(asset) || 1);
  }
}

module.exports = { {{base_class}}, ASSETS, TARGET };
