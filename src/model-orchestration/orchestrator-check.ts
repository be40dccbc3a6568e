import type { NotRunningModel } from '../local-orchestrator/local-orchestrator';
import type { ModelRunnerHealth } from '../model-runner/model-runner.service';
import type { DependencyCheck } from '../health/health.registry';

/**
 * The `/healthz` orchestrator check: the runner's connection, and `degraded` when a configured
 * model is not running (skipped by the models config, or halted), each named with its reason,
 * so a typo'd `language` or a missing Python never hides behind `ok`.
 *
 * @example
 *   orchestratorCheck({ status: 'up', ... }, [{ modelId: '3', entry: null, reason: 'spawn python9 ENOENT' }])
 *   // { status: 'degraded', ..., notRunningModels: [{ modelId: '3', entry: null, reason: 'spawn python9 ENOENT' }] }
 */
export function orchestratorCheck(runner: ModelRunnerHealth, notRunning: readonly NotRunningModel[]): DependencyCheck {
  if (notRunning.length === 0) return { ...runner };
  return { ...runner, status: runner.status === 'up' ? 'degraded' : runner.status, notRunningModels: [...notRunning] };
}
