'use strict';
// Faulty on purpose: non-finite numbers. predict puts NaN/Infinity in its densities (JSON with
// bare NaN on the wire); volatility() returns a bare NaN (a DOUBLE variant).
const { TrackerBase } = require('condorgame/tracker');
class NanTracker extends TrackerBase {
  predict(asset, horizon, step) {
    return Array.from({ length: horizon / step }, (_, k) => ({
      type: 'builtin',
      name: 'norm',
      params: { loc: NaN, scale: k % 2 ? Infinity : -Infinity },
    }));
  }
  volatility() {
    return NaN;
  }
}
module.exports = { NanTracker };
