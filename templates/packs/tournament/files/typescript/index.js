'use strict';
/** {{name}}: participant package (JavaScript / TypeScript). See model.js. */
module.exports = require('./model');
