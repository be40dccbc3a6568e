import { request } from 'http';
import { LocalOrchestrator } from '../../src/local-orchestrator/local-orchestrator';
import { SILENT_LOGGER } from '../../src/local-orchestrator/orchestrator-logger';
import { MembershipTestClient } from './support/membership-test-client';
import { modelDir, writeModelsConfig } from './support/models-config-fixture';
import { decodeVariant, TestModelClient, variant } from './support/model-runner-test-client';

const DEPLOYMENT_ID = /^(.+)_(\d{8})_(\d{6})_(\d{3})$/;

describe('local orchestrator membership WebSocket', () => {
  let orchestrator: LocalOrchestrator;
  let configPath: string;
  let port: number;
  const clients: MembershipTestClient[] = [];

  async function connect(path = '/condorgame'): Promise<MembershipTestClient> {
    const client = await MembershipTestClient.connect(`ws://127.0.0.1:${port}${path}`);
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    configPath = writeModelsConfig([
      { id: '1', code_path: modelDir('models/gaussian-ewma'), language: 'javascript', isolation: 'inline' },
      { id: '2', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline' },
      { id: '9', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline', desired_state: 'STOPPED' },
    ]);
    orchestrator = new LocalOrchestrator();
    port = await orchestrator.start({
      crunchId: 'condorgame',
      wsPort: 0,
      modelsConfigPath: configPath,
      rescanIntervalMs: 0,
      logger: SILENT_LOGGER,
    });
  });

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await orchestrator.stop();
  });

  it('sends init with every RUNNING model of the crunch, in the wire shape', async () => {
    const client = await connect();
    const init = await client.waitFor((m) => m.event === 'init');
    expect(init.data.map((s) => s.model_id).sort()).toEqual(['1', '2']);
    const state = init.data.find((s) => s.model_id === '1')!;
    expect(state).toEqual({
      model_id: '1',
      deployment_id: expect.stringMatching(DEPLOYMENT_ID),
      state: 'RUNNING',
      ip: '127.0.0.1',
      port: expect.any(Number),
      infos: {
        model_name: 'model-1',
        cruncher_id: 'cruncher-1',
        cruncher_name: 'alice-1',
        cruncher_wallet_pubkey: '',
        cruncher_hotkey: null,
      },
    });
    const [, modelId, date, time, ms] = DEPLOYMENT_ID.exec(state.deployment_id)!;
    expect(modelId).toBe('1');
    const stamp = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6), +time.slice(0, 2), +time.slice(2, 4), +time.slice(4), +ms);
    expect(Math.abs(Date.now() - stamp)).toBeLessThan(60_000);
  });

  it('announces a model reachable over gRPC at the advertised ip and port', async () => {
    const client = await connect();
    const init = await client.waitFor((m) => m.event === 'init');
    const state = init.data.find((s) => s.model_id === '1')!;
    const grpcClient = new TestModelClient(state.port, state.ip);
    try {
      expect((await grpcClient.setup()).status.code).toBe('SUCCESS');
      const result = await grpcClient.call('predict', [variant.string('BTC'), variant.int(3600), variant.int(60)]);
      expect(result.status.code).toBe('SUCCESS');
      expect(result.methodResponse?.type).toBe('JSON');
      const densities = JSON.parse(decodeVariant(result.methodResponse) as string);
      expect(densities).toHaveLength(60);
      expect(densities[0]).toEqual({ type: 'builtin', name: 'norm', params: { loc: 0, scale: expect.any(Number) } });
    } finally {
      grpcClient.close();
    }
  });

  it('answers an empty path with an error message and closes', async () => {
    const client = await connect('/');
    await client.waitFor((m) => typeof m.error === 'string');
    await client.waitFor(() => client.closed);
    expect(client.closed).toBe(true);
  });

  it('answers plain HTTP with 426 Upgrade Required', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/condorgame' }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(426);
  });

  it('stops a reported model, broadcasts STOPPED and leaves it out of later inits', async () => {
    const client = await connect();
    const init = await client.waitFor((m) => m.event === 'init');
    const reported = init.data.find((s) => s.model_id === '2')!;
    client.send({
      event: 'report_failure',
      data: [{ model_id: '2', failure_code: 'SOMETHING_NEW', failure_reason: 'test', ip: '127.0.0.1' }],
    });
    const stopped = await client.waitFor((m) => m.event === 'update' && m.data.some((s) => s.state === 'STOPPED'));
    expect(stopped.data[0]).toMatchObject({ model_id: '2', deployment_id: reported.deployment_id, state: 'STOPPED' });
    expect(orchestrator.statuses().find((s) => s.modelId === '2')?.haltedReason).toMatch(/^reported UNKNOWN: test/);
    const later = await connect();
    const laterInit = await later.waitFor((m) => m.event === 'init');
    expect(laterInit.data.map((s) => s.model_id)).toEqual(['1']);
    // A model stopped on a failure report does not come back on a rescan of an unchanged config.
    await orchestrator.rescan();
    expect(orchestrator.runningStates().map((s) => s.model_id)).toEqual(['1']);
  });

  it('drops client connections on demand and sends a fresh init on reconnect', async () => {
    const client = await connect();
    await client.waitFor((m) => m.event === 'init');
    expect(orchestrator.dropClientConnections()).toBe(1);
    await client.waitFor(() => client.closed);
    const again = await connect();
    const init = await again.waitFor((m) => m.event === 'init');
    expect(init.data).toHaveLength(2);
  });

  it('gives a client of another crunch an empty init', async () => {
    const client = await connect('/another-game');
    const init = await client.waitFor((m) => m.event === 'init');
    expect(init.data).toEqual([]);
  });
});
