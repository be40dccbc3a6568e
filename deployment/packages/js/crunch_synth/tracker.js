'use strict';
/**
 * Participant interface of the Synth game for JavaScript/TypeScript submissions: the counterpart
 * of Python's `crunch_synth.tracker`, with the same names (`tick`, `predict`, `predict_all`,
 * `track`, `this.prices`). Setup class name: `crunch_synth.tracker.TrackerBase`.
 *
 * @example
 *   const { TrackerBase } = require('crunch_synth/tracker');
 *   class MyTracker extends TrackerBase {
 *     predict(asset, horizon, step) {
 *       const last = this.prices.get_last_price(asset); // filled by the base class's tick
 *       return Array.from({ length: horizon / step }, () => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale: 1 } }));
 *     }
 *   }
 *   module.exports = { MyTracker };
 */
const { PriceStore } = require('./prices');
const { round_distribution_digits, validate_distribution } = require('./distributions');

const ROUNDING_DIGITS = 6;

function wholeSeconds(value, what) {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${what} must be an integer number of seconds, got ${JSON.stringify(value)}`);
  return value;
}

/** `predict_all` of both stand-in packages: one `predict` per step, checked and rounded. */
function predictAtResolutions(tracker, asset, horizon, steps) {
  wholeSeconds(horizon, 'horizon');
  if (!Array.isArray(steps)) throw new TypeError(`steps must be a list of integers, got ${JSON.stringify(steps)}`);
  const answers = {};
  for (const step of steps) {
    if (wholeSeconds(step, 'step') > horizon) continue;
    const predictions = tracker.predict(asset, horizon, step);
    if (!predictions || predictions.length === 0) {
      answers[step] = [];
      continue;
    }
    if (!Array.isArray(predictions)) {
      throw new TypeError(`predict(${asset}, ${horizon}, ${step}) must return a list of distributions, got ${typeof predictions}`);
    }
    answers[step] = predictions.map((dist) => {
      validate_distribution(dist);
      // Models often return one spec object repeated; rounding works on a copy.
      return round_distribution_digits(structuredClone(dist), ROUNDING_DIGITS);
    });
  }
  return answers;
}

/** A tracker specialised for some (horizon, asset) pairs; registered with `TrackerBase.track`. */
class SubTracker {
  constructor() {
    this.prices = new PriceStore();
  }

  /** Receives the same data as the main tracker. Override to keep only some assets. */
  tick(data) {
    this.prices.add_bulk(data);
  }

  /** Returns `horizon / step` density specifications, in time order. Subclasses must override it. */
  predict(asset, horizon, step) {
    throw new Error(`${this.constructor.name} does not implement predict(${asset}, ${horizon}, ${step})`);
  }
}

/** Base class of Synth trackers: override `predict`, or route it to sub-trackers with `track`. */
class TrackerBase {
  constructor() {
    this.prices = new PriceStore();
    this._routes = [];
    this._sub_trackers = [];
  }

  /** Routes `predict(asset, horizon, ...)` to `subTracker`; `asset` is a symbol, a list of symbols or '*'. */
  track(horizon, asset, subTracker) {
    wholeSeconds(horizon, 'horizon');
    const assets = typeof asset === 'string' ? [asset] : asset;
    if (!Array.isArray(assets) || !assets.every((symbol) => typeof symbol === 'string')) {
      throw new TypeError(`asset must be a symbol, a list of symbols or "*", got ${JSON.stringify(asset)}`);
    }
    if (!(subTracker instanceof SubTracker)) throw new TypeError('track() needs a SubTracker instance');
    for (const symbol of assets) this._routes.push([horizon, symbol, subTracker]);
    if (!this._sub_trackers.includes(subTracker)) this._sub_trackers.push(subTracker);
  }

  /**
   * Receives `{"BTC": [[ts, price], ...], ...}` (the first tick carries the last 30 days of
   * one-minute prices), adds it to `this.prices` and forwards it to every sub-tracker.
   */
  tick(data) {
    this.prices.add_bulk(data);
    for (const subTracker of this._sub_trackers) subTracker.tick(data);
  }

  /** Returns `horizon / step` density specifications, in time order (or asks the routed sub-tracker). */
  predict(asset, horizon, step) {
    const subTracker = this._route(horizon, asset);
    if (subTracker) return subTracker.predict(asset, horizon, step);
    throw new Error(
      `${this.constructor.name}.predict() is not implemented and no SubTracker is registered for horizon=${horizon}, asset='${asset}': ` +
        'override predict() or register one with this.track()',
    );
  }

  /**
   * `{step: [density, ...]}` for every step not larger than `horizon` (keys become strings on the
   * wire); each distribution is checked (at most 3 leaf components) and rounded to 6 significant digits.
   */
  predict_all(asset, horizon, steps) {
    return predictAtResolutions(this, asset, horizon, steps);
  }

  _route(horizon, asset) {
    let wildcard;
    for (const [routeHorizon, pattern, subTracker] of this._routes) {
      if (routeHorizon !== horizon) continue;
      if (pattern === asset) return subTracker;
      if (pattern === '*' && wildcard === undefined) wildcard = subTracker;
    }
    return wildcard;
  }
}

module.exports = { TrackerBase, SubTracker, predictAtResolutions };
