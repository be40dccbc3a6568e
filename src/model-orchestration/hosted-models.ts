import * as path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import type { Env } from '../config/env';
import { localOrchestratorOptionsFromEnv } from '../local-orchestrator/local-orchestrator-options';
import { modelRunnerOptionsFromEnv } from '../model-runner/model-runner.options';
import { ModelRunnerService } from '../model-runner/model-runner.service';
import { ModelRegistryService } from '../predict/registry/model-registry.service';
import { LocalOrchestratorHandle, type ModelOrchestrationPlan } from './model-orchestration.module';

/** The caller's variables a throwaway app hosting models passes on to its local orchestrator. */
const ORCHESTRATOR_VARIABLES = ['LOCAL_ORCHESTRATOR_PYTHON', 'LOCAL_ORCHESTRATOR_PIP_ARGS', 'LOCAL_ORCHESTRATOR_PYTHON_ENVS_DIR'] as const;

/**
 * The environment of a short-lived app that hosts a models file itself (a replay, a `check` run):
 * the caller's local-orchestrator settings, and Python environments kept in `data/python-environments`
 * unless the caller names a folder, so they outlive the app's temporary data directory and the next run reuses them.
 *
 * @example
 *   const env = { ...hostedModelsEnv(process.env), DATA_DIR: tempDir, ROLES: 'predict,score' };
 */
export function hostedModelsEnv(callerEnv: Env): Env {
  const env: Record<string, string | undefined> = { LOCAL_ORCHESTRATOR_PYTHON_ENVS_DIR: path.resolve('data', 'python-environments') };
  for (const name of ORCHESTRATOR_VARIABLES) if (callerEnv[name] !== undefined) env[name] = callerEnv[name];
  return env;
}

/**
 * The local orchestrator hosting `modelsFile` on a free port, without rescans, and the runner
 * connecting to it with the competition's call timeout.
 *
 * @example
 *   AppModule.forRoot({ config, competition, fleet: hostedModelsPlan(env, competition, 'deployment/models.yaml'), pipelineStart: 'manual' })
 */
export function hostedModelsPlan(env: Env, competition: CompetitionDefinition, modelsFile: string): ModelOrchestrationPlan {
  const fromCompetition = { crunchId: competition.id, baseClassName: competition.model.baseClass, callTimeoutMs: competition.model.callTimeoutMs };
  const orchestrator = localOrchestratorOptionsFromEnv(
    { ...env, LOCAL_ORCHESTRATOR_PORT: '0', LOCAL_ORCHESTRATOR_MODELS_CONFIG: modelsFile, LOCAL_ORCHESTRATOR_RESCAN_MS: '0' },
    { crunchId: competition.id, baseClassName: competition.model.baseClass },
  );
  return { kind: 'local', runner: modelRunnerOptionsFromEnv({}, fromCompetition), orchestrator };
}

/** A hosted model that does not run, and why (its id null when the models file entry had none). */
export interface HostedModelNotRunning {
  modelId: string | null;
  reason: string;
}

/**
 * Waits until every model of `modelIds` runs or has failed to start (as the local orchestrator
 * reports it), then until the registry has taken in their joins; past `timeoutMs` (wall clock) the
 * models still pending are reported as not started in time.
 *
 * @example
 *   const notRunning = await hostedModelsStarted(app, ['m1', 'm2'], 180_000); // [] when both run
 */
export async function hostedModelsStarted(app: INestApplicationContext, modelIds: readonly string[], timeoutMs: number): Promise<HostedModelNotRunning[]> {
  const runner = app.get(ModelRunnerService);
  const local = app.get(LocalOrchestratorHandle);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = new Set(runner.runningModels().map((m) => m.modelId));
    const failed = local.notRunning().map((f): HostedModelNotRunning => ({ modelId: f.modelId, reason: f.reason }));
    const failedIds = new Set(failed.map((f) => f.modelId));
    const pending = modelIds.filter((id) => !running.has(id) && !failedIds.has(id));
    if (pending.length === 0) {
      await app.get(ModelRegistryService).idle();
      return failed;
    }
    if (Date.now() > deadline) return [...failed, ...pending.map((id) => ({ modelId: id, reason: 'did not start in time' }))];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
