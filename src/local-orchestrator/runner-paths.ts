import { existsSync } from 'fs';
import { dirname, join } from 'path';

/**
 * Where the orchestrator finds the language runners it starts
 * (deployment/runners) with the competition packages models import (deployment/packages).
 * Located by walking up from this file, so it works from src/ (tests) and dist/src/ (built).
 *
 * @example
 *   const paths = locateRunnerPaths();
 *   fork(paths.jsWorker, [codeDir, paths.jsPackagesDir, 'javascript']);
 */
export interface RunnerPaths {
  projectRoot: string;
  jsRuntime: string;
  jsWorker: string;
  jsPackagesDir: string;
  pythonBridge: string;
  pythonPackagesDir: string;
}

export class RunnerPathsNotFoundError extends Error {
  constructor(start: string) {
    super(`cannot find proto/commons.proto and deployment/runners above ${start}`);
    this.name = 'RunnerPathsNotFoundError';
  }
}

export function locateRunnerPaths(start: string = __dirname): RunnerPaths {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'proto', 'commons.proto')) && existsSync(join(dir, 'deployment', 'runners'))) {
      return runnerPathsUnder(dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new RunnerPathsNotFoundError(start);
    dir = parent;
  }
}

function runnerPathsUnder(root: string): RunnerPaths {
  return {
    projectRoot: root,
    jsRuntime: join(root, 'deployment', 'runners', 'js', 'model-runtime.js'),
    jsWorker: join(root, 'deployment', 'runners', 'js', 'worker.js'),
    jsPackagesDir: join(root, 'deployment', 'packages', 'js'),
    pythonBridge: join(root, 'deployment', 'runners', 'python', 'bridge.py'),
    pythonPackagesDir: join(root, 'deployment', 'packages', 'python'),
  };
}
