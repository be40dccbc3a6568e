/**
 * Tiny local runner of the init command until bin/coordinator-node.js dispatches it:
 *   npx tsc -p tsconfig.json && node dist/test/cli/run-init.js demo-game --yes
 * (uses the process's own streams, so it prompts on a terminal like the real command).
 */
import { run } from '../../src/cli/init/init.command';

run(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
