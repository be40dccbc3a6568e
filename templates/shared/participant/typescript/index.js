'use strict';
/** {{name}}: participant package (JavaScript / TypeScript). See tracker.js. */
module.exports = require('./tracker');
