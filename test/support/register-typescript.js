'use strict';
/**
 * Lets a plain `node` child process of a test run the TypeScript sources without a build:
 * `node -r ./test/support/register-typescript.js some-script.ts`. Compiles each .ts file with
 * @swc/core and the project's .swcrc, the same compiler Jest uses through @swc/jest.
 */
const fs = require('fs');
const path = require('path');
const { transformSync } = require('@swc/core');

const SWCRC = path.resolve(__dirname, '..', '..', '.swcrc');

require.extensions['.ts'] = (module, filename) => {
  const output = transformSync(fs.readFileSync(filename, 'utf8'), { filename, configFile: SWCRC, sourceMaps: false });
  module._compile(output.code, filename);
};
