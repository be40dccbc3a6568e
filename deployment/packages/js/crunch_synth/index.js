'use strict';
/** The Synth game's participant package for JavaScript/TypeScript submissions (local-orchestrator stand-in). */
const { TrackerBase, SubTracker } = require('./tracker');
const { PriceStore } = require('./prices');
const { MAX_DISTRIBUTION_COMPONENTS, SUPPORTED_ASSETS, FORECAST_PROFILES } = require('./constants');

module.exports = { TrackerBase, SubTracker, PriceStore, MAX_DISTRIBUTION_COMPONENTS, SUPPORTED_ASSETS, FORECAST_PROFILES };
