'use strict';
// Faulty on purpose: answers with about 6 MB of JSON (beyond gRPC's default 4 MB receive limit).
const { TrackerBase } = require('condorgame/tracker');
class HugeTracker extends TrackerBase {
  predict(asset, horizon, step) {
    const padding = 'x'.repeat(6 * 1024 * 1024);
    return Array.from({ length: horizon / step }, (_, k) => ({
      type: 'builtin',
      name: 'norm',
      params: { loc: 0, scale: 0.001 },
      note: k === 0 ? padding : '',
    }));
  }
}
module.exports = { HugeTracker };
