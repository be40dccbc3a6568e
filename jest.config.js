// PGlite (the embedded database) loads its WASM and file-system bundle with dynamic import(),
// which Jest's module sandbox only allows under --experimental-vm-modules. Re-run Jest with the
// flag when it is missing, so `npx jest some.spec.ts` and `npm test` behave the same.
const FLAG = '--experimental-vm-modules';
if (!`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes(FLAG)) {
  const { spawnSync } = require('node:child_process');
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} ${FLAG} --disable-warning=ExperimentalWarning`.trim();
  const run = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: nodeOptions } });
  process.exit(run.status ?? 1);
}

/** Jest runs TypeScript through SWC (decorator metadata on) so Nest DI works in tests. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  transformIgnorePatterns: ['/node_modules/(?!(hyparquet|hyparquet-writer|bs58|base-x)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  maxWorkers: 2,
  setupFiles: ['reflect-metadata'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
