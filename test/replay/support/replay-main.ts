/** `coordinator-node replay` as its own process from the sources (no build), for the Ctrl-C test. */
import 'reflect-metadata';
import { run } from '../../../src/replay/cli/replay.command';

run(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), env: process.env }).then((code) => {
  process.exitCode = code;
});
