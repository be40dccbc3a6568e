'use strict';
// Slow on purpose: predict answers after 800 ms without blocking its process (for one-call-at-a-time tests).
const { TrackerBase } = require('condorgame/tracker');
class SlowTracker extends TrackerBase {
  async predict(asset, horizon, step) {
    await new Promise((resolve) => setTimeout(resolve, 800));
    return Array.from({ length: horizon / step }, () => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.001 } }));
  }
}
module.exports = { SlowTracker };
