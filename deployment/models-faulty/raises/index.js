'use strict';
// Faulty on purpose: predict always throws (expect MODEL_FAILED).
const { TrackerBase } = require('condorgame/tracker');
class RaisingTracker extends TrackerBase {
  predict() {
    throw new Error('deliberate failure in predict');
  }
}
module.exports = { RaisingTracker };
