'use strict';
/**
 * Child-process host of one JavaScript model (started by the local orchestrator with
 * child_process.fork). Requests arrive over the IPC channel as
 * `{id, op: 'setup'|'call'|'rest', className?, method?, args, kwargs}` and are answered with
 * `{id, ok: true, value?}` or `{id, ok: false, error: {code, message}}`; values are typed texts.
 *
 * Usage: fork('worker.js', [codeDir, packagesDir, language])
 */
const { ModelRuntime, RunnerFailure, shortMessage } = require('./model-runtime');
const { watchParent } = require('./parent-watchdog');

// Before any model code runs: a model stuck in a loop must still die with the orchestrator.
watchParent();

const [codeDir, packagesDir, language] = process.argv.slice(2);
const runtime = new ModelRuntime({ codeDir, packagesDir, language });

function reply(message) {
  if (process.connected) process.send(message);
}

async function handle(request) {
  switch (request.op) {
    case 'setup':
      runtime.setup(request.className, request.args, request.kwargs);
      return undefined;
    case 'call':
      return runtime.call(request.method, request.args, request.kwargs);
    case 'rest':
      runtime.rest();
      return undefined;
    default:
      throw new RunnerFailure('INVALID_ARGUMENT', `unknown operation ${request.op}`);
  }
}

process.on('message', async (request) => {
  try {
    const value = await handle(request);
    reply({ id: request.id, ok: true, value });
  } catch (error) {
    const code = error instanceof RunnerFailure ? error.code : 'MODEL_FAILED';
    reply({ id: request.id, ok: false, error: { code, message: error instanceof RunnerFailure ? error.message : shortMessage(error) } });
  }
});

// The parent going away (or closing the channel) ends this model. Ctrl-C reaches the whole
// process group: the orchestrator, not the terminal, decides when this process ends.
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});
reply({ event: 'ready' });
