'use strict';
/**
 * The reference competition's participant interface for JavaScript submissions
 * (the counterpart of Python's `condorgame.tracker.TrackerBase`).
 *
 * Setup class name: `condorgame.tracker.TrackerBase`. A submission exports one strict subclass:
 *
 * @example
 *   const { TrackerBase } = require('condorgame/tracker');
 *   class MyTracker extends TrackerBase {
 *     predict(asset, horizon, step) {
 *       return Array.from({ length: horizon / step }, () => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.001 } }));
 *     }
 *   }
 *   module.exports = { MyTracker };
 */
class TrackerBase {
  constructor() {
    /** Price history per asset: `{BTC: [[ts_seconds, price], ...]}`, oldest first, deduplicated by timestamp. */
    this.prices = {};
  }

  /**
   * Receives new prices `{"BTC": [[ts_seconds, price], ...], ...}`: the full history on join or
   * redeploy, then only new points. The default keeps them in `this.prices`.
   */
  tick(data) {
    if (data === null || typeof data !== 'object') return;
    for (const [asset, points] of Object.entries(data)) {
      if (!Array.isArray(points)) continue;
      const history = this.prices[asset] || (this.prices[asset] = []);
      const lastTs = history.length ? history[history.length - 1][0] : -Infinity;
      for (const point of points) {
        if (Array.isArray(point) && Number.isFinite(point[0]) && Number.isFinite(point[1]) && point[0] > lastTs) {
          history.push([point[0], point[1]]);
        }
      }
      if (history.length > TrackerBase.MAX_HISTORY) history.splice(0, history.length - TrackerBase.MAX_HISTORY);
    }
  }

  /** Returns `horizon / step` density specifications, in time order. Submissions must override it. */
  predict(asset, horizon, step) {
    throw new Error(`${this.constructor.name} does not implement predict(${asset}, ${horizon}, ${step})`);
  }
}

/** Points kept per asset (about 8 days of minute prices). */
TrackerBase.MAX_HISTORY = 12000;

module.exports = { TrackerBase };
