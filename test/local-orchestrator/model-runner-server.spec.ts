import { status as GrpcStatus } from '@grpc/grpc-js';
import { OrchestratorFixture } from './support/orchestrator-fixture';
import { modelDir } from './support/models-config-fixture';
import { decodeVariant, variant } from './support/model-runner-test-client';

const PREDICT_ARGS = [variant.string('BTC'), variant.int(3600), variant.int(60)];

describe('model-runner gRPC server of the local orchestrator (JavaScript models)', () => {
  const fixture = new OrchestratorFixture();

  beforeAll(async () => {
    await fixture.start([
      { id: 'ewma', code_path: modelDir('models/gaussian-ewma'), language: 'javascript' },
      { id: 'student', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline' },
      { id: 'raises', code_path: modelDir('models-faulty/raises'), language: 'javascript' },
      { id: 'nan', code_path: modelDir('models-faulty/returns-nan'), language: 'javascript' },
      { id: 'short', code_path: modelDir('models-faulty/wrong-length'), language: 'javascript' },
      { id: 'huge', code_path: modelDir('models-faulty/huge-payload'), language: 'javascript' },
      { id: 'odd', code_path: modelDir('models-faulty/odd-value'), language: 'javascript' },
      { id: 'no-subclass', code_path: modelDir('models-faulty/no-subclass'), language: 'javascript' },
      { id: 'ctor', code_path: modelDir('models-faulty/constructor-throws'), language: 'javascript' },
      { id: 'import', code_path: modelDir('models-faulty/import-error'), language: 'javascript' },
      { id: 'slow', code_path: modelDir('models-faulty/slow'), language: 'javascript' },
    ]);
  });

  afterAll(() => fixture.stop());

  it('reports SERVING and answers Setup, then Call with typed values, then Rest', async () => {
    const client = fixture.client('ewma');
    expect(await client.check()).toBe('SERVING');
    expect((await client.setup()).status.code).toBe('SUCCESS');
    expect((await client.setup()).status.code).toBe('SUCCESS'); // idempotent
    const ticked = await client.call('tick', [variant.json('{"BTC": [[1700000000, 50000.0], [1700000060, 50010.5]]}')]);
    expect(ticked.status.code).toBe('SUCCESS');
    expect(ticked.methodResponse?.type ?? 'NONE').toBe('NONE');
    const predicted = await client.call('predict', PREDICT_ARGS);
    expect(predicted.status.code).toBe('SUCCESS');
    expect(JSON.parse(decodeVariant(predicted.methodResponse) as string)).toHaveLength(60);
    expect((await client.rest()).status.code).toBe('SUCCESS');
  });

  it('orders positional arguments by position, not by arrival', async () => {
    const client = fixture.client('student');
    await client.setup();
    const result = await client.call('predict', [variant.int(60), variant.string('ETH'), variant.int(300)], { positions: [3, 1, 2] });
    expect(result.status.code).toBe('SUCCESS');
    expect(JSON.parse(decodeVariant(result.methodResponse) as string)).toHaveLength(5);
  });

  it('answers a Call before Setup with FAILED_PRECONDITION', async () => {
    const client = fixture.client('short');
    expect((await client.call('predict', PREDICT_ARGS)).status.code).toBe('FAILED_PRECONDITION');
  });

  it('answers a bad request with INVALID_ARGUMENT', async () => {
    const client = fixture.client('short');
    expect((await client.setup('')).status.code).toBe('INVALID_ARGUMENT');
    expect((await client.setup('not a class path')).status.code).toBe('INVALID_ARGUMENT');
    await client.setup();
    const truncatedDouble = { type: 'DOUBLE', value: Buffer.from([1, 2, 3]) };
    expect((await client.call('predict', [truncatedDouble])).status.code).toBe('INVALID_ARGUMENT');
  });

  it('answers Setup with BAD_IMPLEMENTATION when the submission has no subclass or fails to import', async () => {
    const missing = await fixture.client('no-subclass').setup();
    expect(missing.status).toEqual({ code: 'BAD_IMPLEMENTATION', message: expect.stringMatching(/no subclass of TrackerBase/) });
    const broken = await fixture.client('import').setup();
    expect(broken.status).toEqual({ code: 'BAD_IMPLEMENTATION', message: expect.stringMatching(/cannot import index.js/) });
  });

  it('answers Setup with SETUP_FAILED when the constructor throws', async () => {
    const result = await fixture.client('ctor').setup();
    expect(result.status).toEqual({ code: 'SETUP_FAILED', message: expect.stringMatching(/cannot initialise/) });
  });

  it('answers an unknown method with BAD_IMPLEMENTATION and an exception with MODEL_FAILED', async () => {
    const client = fixture.client('raises');
    await client.setup();
    expect((await client.call('no_such_method')).status.code).toBe('BAD_IMPLEMENTATION');
    const failed = await client.call('predict', PREDICT_ARGS);
    expect(failed.status).toEqual({ code: 'MODEL_FAILED', message: expect.stringMatching(/deliberate failure in predict/) });
    expect(await client.check()).toBe('SERVING');
  });

  it('writes NaN and Infinity as bare literals in JSON and as IEEE doubles', async () => {
    const client = fixture.client('nan');
    await client.setup();
    const densities = await client.call('predict', [variant.string('BTC'), variant.int(120), variant.int(60)]);
    expect(densities.methodResponse?.type).toBe('JSON');
    expect(decodeVariant(densities.methodResponse)).toBe(
      '[{"type": "builtin", "name": "norm", "params": {"loc": NaN, "scale": -Infinity}}, ' +
        '{"type": "builtin", "name": "norm", "params": {"loc": NaN, "scale": Infinity}}]',
    );
    const single = await client.call('volatility');
    expect(single.methodResponse?.type).toBe('DOUBLE');
    expect(decodeVariant(single.methodResponse)).toBeNaN();
  });

  it('serves a wrong-length answer as it is (validation is the coordinator\'s job)', async () => {
    const client = fixture.client('short');
    await client.setup();
    const result = await client.call('predict', PREDICT_ARGS);
    expect(JSON.parse(decodeVariant(result.methodResponse) as string)).toHaveLength(59);
  });

  it('sends a several-MB answer, which a client with the default 4 MB limit refuses', async () => {
    const client = fixture.client('huge');
    await client.setup();
    await expect(client.call('predict', PREDICT_ARGS)).rejects.toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED });
    expect(await client.check()).toBe('SERVING');
  });

  it('answers values with no wire form with MODEL_FAILED', async () => {
    const client = fixture.client('odd');
    await client.setup();
    const circular = await client.call('predict', PREDICT_ARGS);
    expect(circular.status).toEqual({ code: 'MODEL_FAILED', message: expect.stringMatching(/circular reference/) });
    expect((await client.call('mapValue')).status).toEqual({ code: 'MODEL_FAILED', message: expect.stringMatching(/Map/) });
    expect((await client.call('fn')).status).toEqual({ code: 'MODEL_FAILED', message: expect.stringMatching(/function/) });
    expect((await client.call('huge')).status).toEqual({ code: 'MODEL_FAILED', message: expect.stringMatching(/int64/) });
  });

  it('rejects a concurrent RPC with RESOURCE_EXHAUSTED', async () => {
    const client = fixture.client('slow');
    await client.setup();
    const first = client.call('predict', PREDICT_ARGS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(client.call('predict', PREDICT_ARGS)).rejects.toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED });
    await expect(client.setup()).rejects.toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED });
    expect(await client.check()).toBe('SERVING'); // health checks are answered while busy
    expect((await first).status.code).toBe('SUCCESS');
    expect((await client.call('predict', PREDICT_ARGS)).status.code).toBe('SUCCESS');
  });
});
