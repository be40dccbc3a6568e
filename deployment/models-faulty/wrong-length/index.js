'use strict';
// Faulty on purpose: one density fewer than horizon/step (valid on the wire, unscorable).
const { TrackerBase } = require('condorgame/tracker');
class ShortTracker extends TrackerBase {
  predict(asset, horizon, step) {
    return Array.from({ length: horizon / step - 1 }, () => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.001 } }));
  }
}
module.exports = { ShortTracker };
