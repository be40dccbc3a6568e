'use strict';
/**
 * Baseline of the Synth demo: a normal density of each step's price change with a constant
 * relative volatility (0.1% of the last price per square root of an hour), whatever the data
 * says. A tracker that reads the history should beat it; one that does not is no better than it.
 */
const { TrackerBase } = require('crunch_synth/tracker');

const RELATIVE_SIGMA_PER_SQRT_HOUR = 0.001;

class ConstantVolatilityTracker extends TrackerBase {
  predict(asset, horizon, step) {
    const last = this.prices.get_last_price(asset);
    const price = last ? Math.abs(last[1]) : 1;
    const scale = Math.max(price, 1e-9) * RELATIVE_SIGMA_PER_SQRT_HOUR * Math.sqrt(step / 3600);
    return Array.from({ length: Math.floor(horizon / step) }, (_, k) => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale }, step: (k + 1) * step }));
  }
}

module.exports = { ConstantVolatilityTracker };
