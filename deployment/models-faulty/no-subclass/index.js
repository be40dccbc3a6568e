'use strict';
// Faulty on purpose: does not extend TrackerBase (expect BAD_IMPLEMENTATION at Setup).
class NotATracker {
  predict() {
    return [];
  }
}
module.exports = { NotATracker };
