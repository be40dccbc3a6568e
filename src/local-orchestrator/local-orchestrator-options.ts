import { join } from 'path';
import { LocalOrchestratorStartOptions } from './local-orchestrator';

export class InvalidLocalOrchestratorEnvError extends Error {
  readonly problem: string;

  constructor(
    readonly variable: string,
    value: string,
  ) {
    super(`${variable}=${JSON.stringify(value)} is not a valid port number`);
    this.problem = `${JSON.stringify(value)} is not a valid port number`;
    this.name = 'InvalidLocalOrchestratorEnvError';
  }
}

function port(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new InvalidLocalOrchestratorEnvError(variable, raw);
  return value;
}

/**
 * Start options from the environment, for running the local orchestrator inside the app:
 * LOCAL_ORCHESTRATOR_MODELS_CONFIG (deployment/models.yaml), LOCAL_ORCHESTRATOR_HOST (127.0.0.1),
 * LOCAL_ORCHESTRATOR_PORT (9091; 0 = ephemeral), LOCAL_ORCHESTRATOR_PYTHON (python3),
 * LOCAL_ORCHESTRATOR_RESCAN_MS (5000), LOCAL_ORCHESTRATOR_PYTHON_ENVS_DIR (DATA_DIR/python-environments),
 * LOCAL_ORCHESTRATOR_PIP_ARGS (extra pip install options, separated by spaces).
 *
 * @example
 *   LocalOrchestratorModule.forRoot(localOrchestratorOptionsFromEnv(process.env, { crunchId: 'condorgame' }))
 */
export function localOrchestratorOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  competition: { crunchId: string; baseClassName?: string },
): LocalOrchestratorStartOptions {
  return {
    crunchId: competition.crunchId,
    baseClassName: competition.baseClassName,
    modelsConfigPath: env.LOCAL_ORCHESTRATOR_MODELS_CONFIG || 'deployment/models.yaml',
    host: env.LOCAL_ORCHESTRATOR_HOST || '127.0.0.1',
    wsPort: port(env, 'LOCAL_ORCHESTRATOR_PORT', 9091),
    pythonExecutable: env.LOCAL_ORCHESTRATOR_PYTHON || 'python3',
    rescanIntervalMs: port(env, 'LOCAL_ORCHESTRATOR_RESCAN_MS', 5000),
    pythonEnvironmentsDir: env.LOCAL_ORCHESTRATOR_PYTHON_ENVS_DIR || join(env.DATA_DIR || './data', 'python-environments'),
    pipArgs: (env.LOCAL_ORCHESTRATOR_PIP_ARGS ?? '').split(/\s+/).filter(Boolean),
  };
}
