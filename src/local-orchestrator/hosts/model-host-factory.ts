import { ModelEntry } from '../config/model-entry';
import { ModelOutputLog } from '../logs/model-output-log';
import { OrchestratorLogger } from '../orchestrator-logger';
import { RunnerPaths } from '../runner-paths';
import { ChildProcessModelHost } from './child-process-model-host';
import { InlineJsModelHost } from './inline-js-model-host';
import { ModelHost } from './model-host';
import { launchJsWorker, launchPythonBridge } from './model-process-channel';

export interface ModelHostSettings {
  paths: RunnerPaths;
  /** Interpreter for Python models (default `python3`). */
  pythonExecutable: string;
  logger: OrchestratorLogger;
  startTimeoutMs?: number;
  /** Keeps each model process's output for the orchestrator API's log tail. */
  output?: ModelOutputLog;
}

/**
 * Picks the host for an entry: Python -> bridge process; JS/TS -> worker process, or in-process
 * when the entry says `isolation: inline`.
 *
 * @example
 *   const host = createModelHost(entry, { paths, pythonExecutable: 'python3', logger });
 */
export function createModelHost(entry: ModelEntry, settings: ModelHostSettings): ModelHost {
  const { paths, logger } = settings;
  if (entry.language === 'python') {
    return new ChildProcessModelHost({
      modelId: entry.id,
      startTimeoutMs: settings.startTimeoutMs,
      launch: () =>
        launchPythonBridge({
          modelId: entry.id,
          pythonExecutable: settings.pythonExecutable,
          bridgePath: paths.pythonBridge,
          codeDir: entry.codePath,
          packagesDir: paths.pythonPackagesDir,
          logger,
          onOutput: settings.output ? (stream, line) => settings.output!.append(entry.id, stream, line) : undefined,
        }),
    });
  }
  const language = entry.language;
  if (entry.isolation === 'inline') {
    return new InlineJsModelHost({
      modelId: entry.id,
      codeDir: entry.codePath,
      language,
      runtimePath: paths.jsRuntime,
      packagesDir: paths.jsPackagesDir,
    });
  }
  return new ChildProcessModelHost({
    modelId: entry.id,
    startTimeoutMs: settings.startTimeoutMs,
    launch: () =>
      launchJsWorker({
        modelId: entry.id,
        workerPath: paths.jsWorker,
        codeDir: entry.codePath,
        packagesDir: paths.jsPackagesDir,
        language,
        logger,
        onOutput: settings.output ? (stream, line) => settings.output!.append(entry.id, stream, line) : undefined,
      }),
  });
}
