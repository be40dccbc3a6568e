'use strict';
// Faulty on purpose: predict never returns and blocks its process (expect a timeout and a restart).
const { TrackerBase } = require('condorgame/tracker');
class HangingTracker extends TrackerBase {
  predict() {
    for (;;) {
      // busy forever
    }
  }
}
module.exports = { HangingTracker };
