import { Test } from '@nestjs/testing';
import { EncodedCall } from '../../src/model-runner/grpc/encoded-call';
import { MembershipEvent, ModelCallResult, ModelRunnerService } from '../../src/model-runner/model-runner.service';
import { ModelRunnerModule } from '../../src/model-runner/model-runner.module';
import { ModelRunnerOptions, modelRunnerOptionsFromEnv } from '../../src/model-runner/model-runner.options';
import { TestModelServer, waitFor } from './test-model-server';
import { modelStateJson, TestOrchestrator } from './test-orchestrator';

const fastOptions = (port: number): ModelRunnerOptions => ({
  host: '127.0.0.1',
  port,
  crunchId: 'test-crunch',
  baseClassName: 'condorgame.tracker.TrackerBase',
  callTimeoutMs: 500,
  connectTimeoutMs: 300,
  setupAttempts: 2,
  setupBackoffMs: 10,
  reconnectBackoffMs: 30,
  maxConsecutiveTimeouts: 2,
});

describe('ModelRunnerService end to end (orchestrator WebSocket + model gRPC servers)', () => {
  let orchestrator: TestOrchestrator;
  let service: ModelRunnerService;
  let events: MembershipEvent[];
  const servers: TestModelServer[] = [];

  const modelServer = async (name: string) => {
    const server = new TestModelServer();
    server.callHandler = (call) => ({ value: { type: 'JSON', value: { from: name, args: call.args } } });
    await server.listen();
    servers.push(server);
    return server;
  };

  beforeEach(async () => {
    orchestrator = await TestOrchestrator.start();
    const moduleRef = await Test.createTestingModule({ imports: [ModelRunnerModule.forRootAsync({ useFactory: () => fastOptions(orchestrator.port) })] }).compile();
    service = moduleRef.get(ModelRunnerService);
    events = [];
    service.membership$.subscribe((event) => events.push(event));
  });
  afterEach(async () => {
    await service.stop();
    await orchestrator.close();
    servers.splice(0).forEach((s) => s.stop());
  });

  it('joins the models of the init, fans a call out to all of them, and reports health', async () => {
    const [a, b] = [await modelServer('a'), await modelServer('b')];
    orchestrator.models = [modelStateJson('ma', a.port), modelStateJson('mb', b.port)];
    expect(service.health().status).toBe('down');
    await service.start();
    await waitFor(() => service.runningModels().length === 2, 3000, 'two running models');
    expect(events.map((e) => [e.type, e.model.modelId]).sort()).toEqual([['joined', 'ma'], ['joined', 'mb']]);
    expect(service.runningModels().find((m) => m.modelId === 'ma')).toMatchObject({
      deploymentId: 'ma_20260101_000000_000', modelName: 'ma-name', cruncherId: 'c-ma', cruncherName: 'alice', port: a.port,
    });

    const results = await service.call('predict', (model) => ({ positional: [{ type: 'STRING', value: model.modelId }] }));
    expect(results.map((r) => [r.modelId, r.status, r.result]).sort()).toEqual([
      ['ma', 'SUCCESS', { from: 'a', args: ['ma'] }],
      ['mb', 'SUCCESS', { from: 'b', args: ['mb'] }],
    ]);
    const subset = await service.call('tick', { positional: [{ type: 'JSON', value: { BTC: [[1, NaN]] } }] }, { modelIds: ['mb', 'gone'] });
    expect(subset.map((r) => r.modelId)).toEqual(['mb']);
    expect(service.health()).toMatchObject({ status: 'up', connected: true, runningModels: 2, pendingModels: 0 });
    expect(service.health().lastMessageAt).not.toBeNull();
  });

  it('hands each result to onResult as it arrives, before the slower calls end, and a throwing onResult changes nothing', async () => {
    const [fast, slow] = [await modelServer('fast'), await modelServer('slow')];
    let answerSlow!: () => void;
    const slowGate = new Promise<void>((resolve) => (answerSlow = resolve));
    slow.callHandler = async () => {
      await slowGate;
      return { value: { type: 'JSON', value: 'late' } };
    };
    orchestrator.models = [modelStateJson('mfast', fast.port), modelStateJson('mslow', slow.port)];
    await service.start();
    await waitFor(() => service.runningModels().length === 2);
    const seen: ModelCallResult[] = [];
    let settled = false;
    const call = service.call('predict', { positional: [] }, {
      onResult: (result) => {
        seen.push(result);
        if (result.modelId === 'mfast') throw new Error('a handler bug');
      },
    });
    void call.then(() => (settled = true));
    await waitFor(() => seen.length === 1, 3000, 'the fast answer');
    expect(seen[0]).toMatchObject({ modelId: 'mfast', status: 'SUCCESS' });
    expect(settled).toBe(false);
    answerSlow();
    const results = await call;
    expect(seen.map((r) => r.modelId)).toEqual(['mfast', 'mslow']);
    expect(results.map((r) => [r.modelId, r.status, r.result]).sort()).toEqual([
      ['mfast', 'SUCCESS', { from: 'fast', args: [] }],
      ['mslow', 'SUCCESS', 'late'],
    ]);
    for (const result of results) expect(seen).toContain(result); // the same objects
  });

  it('encodes the arguments once per distinct arguments object, however many models receive them', async () => {
    const servers = [await modelServer('a'), await modelServer('b'), await modelServer('c')];
    orchestrator.models = servers.map((server, i) => modelStateJson(`m${i}`, server.port));
    await service.start();
    await waitFor(() => service.runningModels().length === 3);
    const encodings = jest.spyOn(EncodedCall, 'of');
    try {
      const update = { positional: [{ type: 'JSON' as const, value: { BTC: [[60, 1.5]] } }] };
      const history = { positional: [{ type: 'JSON' as const, value: { BTC: [[0, 1], [60, 1.5]] } }] };
      const results = await service.call('tick', (model) => (model.modelId === 'm2' ? history : update));
      expect(encodings).toHaveBeenCalledTimes(2);
      expect(results.map((r) => [r.modelId, r.status]).sort()).toEqual([['m0', 'SUCCESS'], ['m1', 'SUCCESS'], ['m2', 'SUCCESS']]);
      expect(servers.map((server) => server.calls[0].args)).toEqual([[{ BTC: [[60, 1.5]] }], [{ BTC: [[60, 1.5]] }], [{ BTC: [[0, 1], [60, 1.5]] }]]);
      encodings.mockClear();
      await service.call('predict', { positional: [{ type: 'STRING', value: 'BTC' }] });
      expect(encodings).toHaveBeenCalledTimes(1);
    } finally {
      encodings.mockRestore();
    }
  });

  it('answers FAILED for a model whose arguments function throws, and still answers the others', async () => {
    const [a, b] = [await modelServer('a'), await modelServer('b')];
    orchestrator.models = [modelStateJson('ma', a.port), modelStateJson('mb', b.port)];
    await service.start();
    await waitFor(() => service.runningModels().length === 2);
    const results = await service.call('tick', (model) => {
      if (model.modelId === 'mb') throw new Error('no history for mb');
      return { positional: [] };
    });
    expect(results.map((r) => [r.modelId, r.status]).sort()).toEqual([['ma', 'SUCCESS'], ['mb', 'FAILED']]);
    expect(results.find((r) => r.modelId === 'mb')?.error).toMatch(/could not encode arguments: no history for mb/);
    expect(b.calls).toHaveLength(0);
  });

  it('answers FAILED for a model whose arguments cannot be encoded, without calling it', async () => {
    const a = await modelServer('a');
    orchestrator.models = [modelStateJson('ma', a.port)];
    await service.start();
    await waitFor(() => service.runningModels().length === 1);
    const [result] = await service.call('predict', { positional: [{ type: 'INT', value: 1.5 }] });
    expect(result).toMatchObject({ modelId: 'ma', status: 'FAILED', error: expect.stringMatching(/could not encode arguments/) });
    expect(a.calls).toHaveLength(0);
  });

  it('reports BAD_IMPLEMENTATION for a model whose Setup says so, and never runs it', async () => {
    const bad = await modelServer('bad');
    bad.defaultSetup = { code: 'BAD_IMPLEMENTATION', message: 'no TrackerBase subclass' };
    orchestrator.models = [modelStateJson('mbad', bad.port)];
    await service.start();
    await waitFor(() => orchestrator.reports().length === 1);
    expect(orchestrator.reports()[0]).toMatchObject({ model_id: 'mbad', failure_code: 'BAD_IMPLEMENTATION', ip: '127.0.0.1' });
    expect(service.runningModels()).toEqual([]);
  });

  it('reports MULTIPLE_TIMEOUT for a hung model, drops it, and the others keep answering', async () => {
    const [ok, hung] = [await modelServer('ok'), await modelServer('hung')];
    hung.callHandler = () => ({ delayMs: 400 });
    orchestrator.models = [modelStateJson('mok', ok.port), modelStateJson('mhung', hung.port)];
    await service.start();
    await waitFor(() => service.runningModels().length === 2);
    for (let round = 0; round < 12 && orchestrator.reports().length === 0; round += 1) {
      const results = await service.call('predict', { positional: [] }, { timeoutMs: 150 });
      expect(results.find((r) => r.modelId === 'mok')?.status).toBe('SUCCESS');
      await new Promise((resolve) => setTimeout(resolve, 260)); // the hung server is free again
    }
    expect(orchestrator.reports()).toEqual([expect.objectContaining({ model_id: 'mhung', failure_code: 'MULTIPLE_TIMEOUT' })]);
    await waitFor(() => events.some((e) => e.type === 'left' && e.model.modelId === 'mhung'));
    expect(service.runningModels().map((m) => m.modelId)).toEqual(['mok']);
  });

  it('sends LOW_PERFORMANCE and drops the model', async () => {
    const a = await modelServer('a');
    orchestrator.models = [modelStateJson('ma', a.port)];
    await service.start();
    await waitFor(() => service.runningModels().length === 1);
    service.reportLowPerformance('ma', 'bottom of the leaderboard for 7 days');
    await waitFor(() => orchestrator.reports().length === 1);
    expect(orchestrator.reports()[0]).toEqual({
      model_id: 'ma', failure_code: 'LOW_PERFORMANCE', failure_reason: 'bottom of the leaderboard for 7 days', ip: '127.0.0.1',
    });
    expect(service.runningModels()).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['joined', 'left']);
  });

  it('follows updates: a new deployment replaces the old one, STOPPED removes it', async () => {
    const [v1, v2] = [await modelServer('v1'), await modelServer('v2')];
    orchestrator.models = [modelStateJson('m', v1.port)];
    await service.start();
    await waitFor(() => service.runningModels().length === 1);
    orchestrator.send('update', [modelStateJson('m', v2.port, { deployment_id: 'm_20260102_000000_000' })]);
    await waitFor(() => service.runningModels()[0]?.deploymentId === 'm_20260102_000000_000');
    orchestrator.send('update', [modelStateJson('m', v1.port, { state: 'STOPPED' })]); // stale: old deployment
    const [result] = await service.call('predict', { positional: [] });
    expect(result).toMatchObject({ deploymentId: 'm_20260102_000000_000', result: { from: 'v2', args: [] } });
    orchestrator.send('update', [modelStateJson('m', v2.port, { deployment_id: 'm_20260102_000000_000', state: 'STOPPED' })]);
    await waitFor(() => service.runningModels().length === 0);
  });

  it('rebuilds its state from the new init after the orchestrator connection drops', async () => {
    const [a, b] = [await modelServer('a'), await modelServer('b')];
    orchestrator.models = [modelStateJson('ma', a.port)];
    await service.start();
    await waitFor(() => service.runningModels().length === 1);
    orchestrator.models = [modelStateJson('mb', b.port)];
    orchestrator.dropConnections();
    await waitFor(() => service.runningModels().map((m) => m.modelId).join() === 'mb', 3000, 'state rebuilt from the new init');
    expect(events.map((e) => `${e.type}:${e.model.modelId}`)).toEqual(['joined:ma', 'left:ma', 'joined:mb']);
    expect(orchestrator.connectCount).toBe(2);
  });
});

describe('modelRunnerOptionsFromEnv', () => {
  it('reads the variables with their defaults', () => {
    const options = modelRunnerOptionsFromEnv({ CRUNCH_ID: 'condor', MODEL_BASE_CLASS: 'condorgame.tracker.TrackerBase', MODEL_CALL_TIMEOUT_MS: '5000' });
    expect(options).toMatchObject({ host: '127.0.0.1', port: 9091, crunchId: 'condor', callTimeoutMs: 5000 });
    expect(options.securityMode).toBeUndefined();
  });

  it.each([
    [{ ORCHESTRATOR_PORT: 'abc' }, /^ORCHESTRATOR_PORT: /],
    [{ ORCHESTRATOR_PORT: '70000' }, /^ORCHESTRATOR_PORT: /],
    [{ MODEL_CALL_TIMEOUT_MS: '-5' }, /^MODEL_CALL_TIMEOUT_MS: /],
    [{ MODEL_SECURITY_MODE: 'tls' }, /^MODEL_SECURITY_MODE: /],
    [{ MODEL_SECURITY_MODE: 'secure' }, /^MODEL_CREDENTIALS_DIR: /],
    [{ MODEL_SECURITY_MODE: 'gateway' }, /^MODEL_GATEWAY_KEY_PATH: /],
  ])('rejects %j with an error naming the variable', (env, message) => {
    expect(() => modelRunnerOptionsFromEnv(env)).toThrow(message);
  });
});
