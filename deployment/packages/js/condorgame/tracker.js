'use strict';
/**
 * The reference competition's participant interface for JavaScript submissions
 * (the counterpart of Python's `condorgame.tracker.TrackerBase`).
 *
 * Setup class name: `condorgame.tracker.TrackerBase`. A submission exports one strict subclass
 * and writes `predict`; the base class's `tick` keeps prices in `this.prices` (a PriceStore, as in
 * the Synth package beside this one). Subclasses that override `tick` still work.
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
const { PriceStore } = require('../crunch_synth/prices');
const { predictAtResolutions } = require('../crunch_synth/tracker');

class TrackerBase {
  constructor() {
    this.prices = new PriceStore();
  }

  /**
   * Receives new prices `{"BTC": [[ts_seconds, price], ...], ...}`: the full history on join or
   * redeploy, then only new points. The default adds them to `this.prices`.
   */
  tick(data) {
    this.prices.add_bulk(data);
  }

  /** Returns `horizon / step` density specifications, in time order. Submissions must override it. */
  predict(asset, horizon, step) {
    throw new Error(`${this.constructor.name} does not implement predict(${asset}, ${horizon}, ${step})`);
  }

  /** `{step: [density, ...]}` for every step not larger than `horizon`, checked and rounded. */
  predict_all(asset, horizon, steps) {
    return predictAtResolutions(this, asset, horizon, steps);
  }
}

module.exports = { TrackerBase };
