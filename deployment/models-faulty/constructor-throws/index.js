'use strict';
// Faulty on purpose: the constructor throws (expect SETUP_FAILED).
const { TrackerBase } = require('condorgame/tracker');
class BrokenConstructorTracker extends TrackerBase {
  constructor() {
    super();
    throw new Error('cannot initialise');
  }
}
module.exports = { BrokenConstructorTracker };
