'use strict';
// Faulty on purpose: predict kills its own process (expect MODEL_FAILED and a new deployment).
const { TrackerBase } = require('condorgame/tracker');
class CrashingTracker extends TrackerBase {
  predict() {
    process.exit(3);
  }
}
module.exports = { CrashingTracker };
