'use strict';
// Faulty on purpose: return values with no JSON form. predict returns a circular structure,
// mapValue() a Map, fn() a function, huge() an integer beyond int64 (all expect MODEL_FAILED).
const { TrackerBase } = require('condorgame/tracker');
class OddValueTracker extends TrackerBase {
  predict() {
    const spec = { type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.001 } };
    spec.params.self = spec;
    return [spec];
  }
  mapValue() {
    return new Map([['loc', 0]]);
  }
  fn() {
    return () => 0;
  }
  huge() {
    return 2n ** 70n;
  }
}
module.exports = { OddValueTracker };
