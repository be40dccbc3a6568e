import { Test } from '@nestjs/testing';
import { SILENT_LOGGER } from '../../src/local-orchestrator/orchestrator-logger';
import { localOrchestratorOptionsFromEnv } from '../../src/local-orchestrator/local-orchestrator-options';
import { LocalOrchestratorHandle, ModelOrchestrationModule } from '../../src/model-orchestration/model-orchestration.module';
import { ModelRunnerService } from '../../src/model-runner/model-runner.service';
import { MembershipTestClient } from './support/membership-test-client';
import { modelDir, writeModelsConfig } from './support/models-config-fixture';

const BASE_CLASS = 'condorgame.tracker.TrackerBase';

describe('the in-process local orchestrator (ModelOrchestrationModule, local plan)', () => {
  it('starts with the app, the model runner connects to it, and it stops with the app', async () => {
    const modelsConfigPath = writeModelsConfig([
      { id: '1', code_path: modelDir('models/gaussian-ewma'), language: 'javascript', isolation: 'inline' },
    ]);
    const orchestrator = localOrchestratorOptionsFromEnv(
      { LOCAL_ORCHESTRATOR_MODELS_CONFIG: modelsConfigPath, LOCAL_ORCHESTRATOR_PORT: '0', LOCAL_ORCHESTRATOR_RESCAN_MS: '0' },
      { crunchId: 'condorgame', baseClassName: BASE_CLASS },
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        ModelOrchestrationModule.forPlan({
          kind: 'local',
          // The runner's address is replaced by the in-process orchestrator's.
          runner: { host: 'unused.invalid', port: 1, crunchId: 'condorgame', baseClassName: BASE_CLASS, setupBackoffMs: 50 },
          orchestrator: { ...orchestrator, logger: SILENT_LOGGER },
        }),
      ],
    }).compile();
    await moduleRef.init();
    const handle = moduleRef.get(LocalOrchestratorHandle);
    const url = handle.orchestrator!.url;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/condorgame$/);
    const client = await MembershipTestClient.connect(url);
    const init = await client.waitFor((m) => m.event === 'init');
    expect(init.data.map((s) => s.model_id)).toEqual(['1']);

    const runner = moduleRef.get(ModelRunnerService);
    await runner.start();
    await waitFor(() => runner.runningModels().length === 1);
    expect(runner.runningModels().map((m) => m.modelId)).toEqual(['1']);

    // PipelineLifecycle's order at shutdown: the runner, then the orchestrator.
    await runner.stop();
    await handle.stop();
    await moduleRef.close();
    await client.waitFor(() => client.closed);
    expect(handle.orchestrator!.runningStates()).toEqual([]);
  });

  it('refuses a port variable that is not a port', () => {
    expect(() => localOrchestratorOptionsFromEnv({ LOCAL_ORCHESTRATOR_PORT: 'abc' }, { crunchId: 'x' })).toThrow(
      'LOCAL_ORCHESTRATOR_PORT: "abc" is not a valid port number',
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
