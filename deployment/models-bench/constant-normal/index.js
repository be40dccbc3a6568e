'use strict';
// Trivial model for load benchmarks (run with isolation: inline): a fixed normal density per step.
const { TrackerBase } = require('condorgame/tracker');
class ConstantNormalTracker extends TrackerBase {
  predict(asset, horizon, step) {
    return Array.from({ length: Math.max(1, Math.floor(horizon / step)) }, () => ({
      type: 'builtin',
      name: 'norm',
      params: { loc: 0, scale: 0.001 },
    }));
  }
}
module.exports = { ConstantNormalTracker };
