import { status as GrpcStatus } from '@grpc/grpc-js';
import { join, resolve } from 'path';
import { OrchestratorFixture } from './support/orchestrator-fixture';
import { modelDir } from './support/models-config-fixture';
import { decodeVariant, variant } from './support/model-runner-test-client';
import { PythonBridgeProcess } from './support/python-bridge-process';

describe('Python models through the stdin/stdout bridge', () => {
  const fixture = new OrchestratorFixture();

  beforeAll(async () => {
    await fixture.start([
      { id: 'mixture', code_path: modelDir('models/normal-mixture'), language: 'python' },
      { id: 'raises', code_path: modelDir('models-faulty/python-raises'), language: 'python' },
      { id: 'odd', code_path: modelDir('models-faulty/python-odd-values'), language: 'python' },
      { id: 'import', code_path: modelDir('models-faulty/python-import-error'), language: 'python' },
      { id: 'hangs', code_path: modelDir('models-faulty/python-hangs'), language: 'python' },
    ]);
  });

  afterAll(() => fixture.stop());

  it('runs the normal-mixture baseline: tick, then horizon/step mixtures', async () => {
    const client = fixture.client('mixture');
    expect((await client.setup()).status.code).toBe('SUCCESS');
    const history = Array.from({ length: 30 }, (_, i) => [1_700_000_000 + 60 * i, 100 * Math.exp(0.001 * Math.sin(i))]);
    expect((await client.call('tick', [variant.json(JSON.stringify({ BTC: history }))])).status.code).toBe('SUCCESS');
    const result = await client.call('predict', [variant.string('BTC'), variant.int(3600), variant.int(300)]);
    expect(result.status.code).toBe('SUCCESS');
    const densities = JSON.parse(decodeVariant(result.methodResponse) as string);
    expect(densities).toHaveLength(12);
    expect(densities[0].type).toBe('mixture');
    expect(densities[0].components.map((c: { weight: number }) => c.weight)).toEqual([0.8, 0.2]);
  });

  it('turns a Python exception into MODEL_FAILED with a short message', async () => {
    const client = fixture.client('raises');
    await client.setup();
    const result = await client.call('predict', [variant.string('BTC'), variant.int(60), variant.int(60)]);
    expect(result.status).toEqual({ code: 'MODEL_FAILED', message: expect.stringMatching(/RuntimeError: deliberate failure in predict/) });
  });

  it('answers an import error with BAD_IMPLEMENTATION', async () => {
    const result = await fixture.client('import').setup();
    expect(result.status).toEqual({ code: 'BAD_IMPLEMENTATION', message: expect.stringMatching(/a_module_that_is_not_installed/) });
  });

  it('carries NaN and Infinity both ways, and passes only declared keyword arguments', async () => {
    const client = fixture.client('odd');
    await client.setup();
    const nan = await client.call('volatility');
    expect(nan.methodResponse?.type).toBe('DOUBLE');
    expect(decodeVariant(nan.methodResponse)).toBeNaN();
    const densities = await client.call('predict', [variant.string('BTC'), variant.int(60), variant.int(60)]);
    expect(decodeVariant(densities.methodResponse)).toBe('[{"type": "builtin", "name": "norm", "params": {"loc": NaN, "scale": Infinity}}]');
    const echoed = await client.call('echo', [variant.json('[NaN, -Infinity, 1.5]')], {
      kwargs: { scale: variant.double(-Infinity), undeclared: variant.int(1) },
    });
    expect(echoed.status.code).toBe('SUCCESS');
    expect(decodeVariant(echoed.methodResponse)).toBe('{"value": [NaN, -Infinity, 1.5], "scale": -Infinity}');
    const big = await client.call('echo', [variant.int(2n ** 62n)]);
    expect(decodeVariant(big.methodResponse)).toBe(`{"value": ${2n ** 62n}, "scale": null}`);
  });

  it('answers a value with no JSON form (a dict holding a set) with MODEL_FAILED', async () => {
    const client = fixture.client('odd');
    await client.setup();
    const result = await client.call('tags');
    expect(result.status).toEqual({ code: 'MODEL_FAILED', message: expect.stringMatching(/not JSON serializable/) });
  });

  it('restarts a hung model under a new deployment id after the caller times out', async () => {
    const before = fixture.deploymentId('hangs');
    const client = fixture.client('hangs');
    await client.setup();
    await expect(client.call('predict', [variant.string('BTC'), variant.int(60), variant.int(60)], { deadlineMs: 300 })).rejects.toMatchObject({
      code: GrpcStatus.DEADLINE_EXCEEDED,
    });
    await fixture.until(() => fixture.deploymentId('hangs') !== undefined && fixture.deploymentId('hangs') !== before);
    const restarted = fixture.client('hangs');
    expect(await restarted.check()).toBe('SERVING');
    expect((await restarted.setup()).status.code).toBe('SUCCESS');
  });
});

describe('Python models without a Python interpreter', () => {
  const fixture = new OrchestratorFixture();

  afterAll(() => fixture.stop());

  it('leaves Python models stopped with a clear reason and runs the others', async () => {
    await fixture.start(
      [
        { id: 'py', code_path: modelDir('models/normal-mixture'), language: 'python' },
        { id: 'js', code_path: modelDir('models/gaussian-ewma'), language: 'javascript' },
      ],
      { pythonExecutable: '/nonexistent/python3-bogus' },
    );
    const statuses = fixture.orchestrator.statuses();
    expect(statuses.find((s) => s.modelId === 'py')).toEqual({
      modelId: 'py',
      state: 'STOPPED',
      deploymentId: undefined,
      port: undefined,
      haltedReason: expect.stringMatching(/cannot start \/nonexistent\/python3-bogus: ENOENT/),
    });
    expect(fixture.orchestrator.runningStates().map((s) => s.model_id)).toEqual(['js']);
    expect((await fixture.client('js').setup()).status.code).toBe('SUCCESS');
  });
});

describe('Python bridge: where packages come from and which class is the model', () => {
  const fixtures = resolve(__dirname, '..', 'fixtures', 'python-models');
  const standIns = join(fixtures, 'packages');
  const bridges: PythonBridgeProcess[] = [];
  const start = async (model: string, env: NodeJS.ProcessEnv = {}) => {
    const bridge = await PythonBridgeProcess.start(join(fixtures, model), standIns, env);
    bridges.push(bridge);
    return bridge;
  };

  afterEach(() => bridges.splice(0).forEach((bridge) => bridge.stop()));

  it('finds the tracker in a subpackage and skips the example classes of the base package', async () => {
    const bridge = await start('nested-tracker');
    expect(await bridge.setup('fakegame.tracker.TrackerBase')).toMatchObject({ ok: true });
    expect((await bridge.call('who')).value).toEqual({ type: 'STRING', text: 'VolatilityTracker from stand-in' });
  });

  it('does not take the base package\'s example for the submission\'s model', async () => {
    const bridge = await start('base-package-only');
    expect((await bridge.setup('fakegame.tracker.TrackerBase')).error).toEqual({
      code: 'BAD_IMPLEMENTATION',
      message: expect.stringMatching(/no subclass of TrackerBase found/),
    });
  });

  it('skips a module that fails to import when another one holds the tracker, as the real model server', async () => {
    const bridge = await start('broken-helper');
    expect(await bridge.setup('fakegame.tracker.TrackerBase')).toMatchObject({ ok: true });
    expect((await bridge.call('who')).value?.text).toBe('WorkingTracker from stand-in');
    expect(bridge.stderr).toMatch(/a_plotting_library_that_is_not_installed/);
  });

  it('lets an installed package win over the stand-in (stand-ins are last on sys.path)', async () => {
    const bridge = await start('nested-tracker', { PYTHONPATH: join(fixtures, 'installed') });
    await bridge.setup('fakegame.tracker.TrackerBase');
    expect((await bridge.call('who')).value?.text).toBe('VolatilityTracker from installed');
  });

  it('survives a subpackage that exits while the modules are listed: BAD_IMPLEMENTATION, bridge still up', async () => {
    const bridge = await start('exiting-package');
    expect((await bridge.setup('fakegame.tracker.TrackerBase')).error).toEqual({
      code: 'BAD_IMPLEMENTATION',
      message: expect.stringMatching(/cannot list the modules of .*exiting-package: SystemExit: 3/),
    });
    expect((await bridge.call('who')).error?.code).toBe('FAILED_PRECONDITION');
  });

  it('answers BAD_IMPLEMENTATION when the base class module cannot be imported', async () => {
    const bridge = await start('nested-tracker');
    expect((await bridge.setup('crunch_synth_not_installed.tracker.TrackerBase')).error).toEqual({
      code: 'BAD_IMPLEMENTATION',
      message: expect.stringMatching(/base class module crunch_synth_not_installed.tracker cannot be imported: ModuleNotFoundError/),
    });
    expect((await bridge.setup('fakegame.tracker.NoSuchClass')).error?.code).toBe('INVALID_ARGUMENT');
  });
});
