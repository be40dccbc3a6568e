import { join } from 'path';
import { Env, readDurationMs, readInt, readPort, readString } from '../config/env';
import { LocalOrchestratorStartOptions } from './local-orchestrator';

/**
 * Start options from the environment, for running the local orchestrator inside the app:
 * LOCAL_ORCHESTRATOR_MODELS_CONFIG (deployment/models.yaml), LOCAL_ORCHESTRATOR_HOST (127.0.0.1),
 * LOCAL_ORCHESTRATOR_PORT (9091; 0 = ephemeral), LOCAL_ORCHESTRATOR_PYTHON (python3),
 * LOCAL_ORCHESTRATOR_RESCAN_MS (5000; 0 = no periodic rescan), LOCAL_ORCHESTRATOR_PYTHON_ENVS_DIR
 * (DATA_DIR/python-environments), LOCAL_ORCHESTRATOR_PIP_ARGS (extra pip install options, separated by
 * spaces), LOCAL_ORCHESTRATOR_UPLOADS_DIR (DATA_DIR/uploaded-models: models uploaded through the API),
 * LOCAL_ORCHESTRATOR_UPLOAD_MAX_BYTES (50 MB: largest archive accepted). An invalid value throws a
 * ConfigError naming the variable.
 *
 * @example
 *   localOrchestratorOptionsFromEnv(process.env, { crunchId: 'condorgame' })
 */
export function localOrchestratorOptionsFromEnv(
  env: Env,
  competition: { crunchId: string; baseClassName?: string },
): LocalOrchestratorStartOptions {
  return {
    crunchId: competition.crunchId,
    baseClassName: competition.baseClassName,
    modelsConfigPath: readString(env, 'LOCAL_ORCHESTRATOR_MODELS_CONFIG', { default: 'deployment/models.yaml' }),
    host: readString(env, 'LOCAL_ORCHESTRATOR_HOST', { default: '127.0.0.1' }),
    wsPort: readPort(env, 'LOCAL_ORCHESTRATOR_PORT', { default: 9091, ephemeral: true }),
    pythonExecutable: readString(env, 'LOCAL_ORCHESTRATOR_PYTHON', { default: 'python3' }),
    rescanIntervalMs: readDurationMs(env, 'LOCAL_ORCHESTRATOR_RESCAN_MS', { default: 5000 }),
    pythonEnvironmentsDir: env.LOCAL_ORCHESTRATOR_PYTHON_ENVS_DIR || join(env.DATA_DIR || './data', 'python-environments'),
    pipArgs: (env.LOCAL_ORCHESTRATOR_PIP_ARGS ?? '').split(/\s+/).filter(Boolean),
    uploadsDir: env.LOCAL_ORCHESTRATOR_UPLOADS_DIR || join(env.DATA_DIR || './data', 'uploaded-models'),
    maxUploadBytes: readInt(env, 'LOCAL_ORCHESTRATOR_UPLOAD_MAX_BYTES', { default: 50 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024 }),
  };
}
