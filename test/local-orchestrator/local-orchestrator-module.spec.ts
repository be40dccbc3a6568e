import { Test } from '@nestjs/testing';
import { LocalOrchestratorModule, LocalOrchestratorService } from '../../src/local-orchestrator/local-orchestrator.module';
import { SILENT_LOGGER } from '../../src/local-orchestrator/orchestrator-logger';
import { localOrchestratorOptionsFromEnv } from '../../src/local-orchestrator/local-orchestrator-options';
import { MembershipTestClient } from './support/membership-test-client';
import { modelDir, writeModelsConfig } from './support/models-config-fixture';

describe('LocalOrchestratorModule', () => {
  it('starts the orchestrator with the app and stops it on close', async () => {
    const modelsConfigPath = writeModelsConfig([
      { id: '1', code_path: modelDir('models/gaussian-ewma'), language: 'javascript', isolation: 'inline' },
    ]);
    const options = localOrchestratorOptionsFromEnv(
      { LOCAL_ORCHESTRATOR_MODELS_CONFIG: modelsConfigPath, LOCAL_ORCHESTRATOR_PORT: '0', LOCAL_ORCHESTRATOR_RESCAN_MS: '0' },
      { crunchId: 'condorgame' },
    );
    const moduleRef = await Test.createTestingModule({
      imports: [LocalOrchestratorModule.forRoot({ ...options, logger: SILENT_LOGGER })],
    }).compile();
    await moduleRef.init();
    const service = moduleRef.get(LocalOrchestratorService);
    expect(service.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/condorgame$/);
    const client = await MembershipTestClient.connect(service.url);
    const init = await client.waitFor((m) => m.event === 'init');
    expect(init.data.map((s) => s.model_id)).toEqual(['1']);
    await moduleRef.close();
    await client.waitFor(() => client.closed);
    expect(service.orchestrator.runningStates()).toEqual([]);
  });

  it('refuses a port variable that is not a port', () => {
    expect(() => localOrchestratorOptionsFromEnv({ LOCAL_ORCHESTRATOR_PORT: 'abc' }, { crunchId: 'x' })).toThrow(
      'LOCAL_ORCHESTRATOR_PORT: "abc" is not a valid port number',
    );
  });
});
