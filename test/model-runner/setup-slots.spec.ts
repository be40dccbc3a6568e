import * as grpc from '@grpc/grpc-js';
import { modelRunnerProtos } from '../../src/model-runner/grpc/model-runner-protos';
import { ModelRunnerConfigError, resolveModelRunnerOptions, modelRunnerOptionsFromEnv } from '../../src/model-runner/model-runner.options';
import type { ModelState } from '../../src/model-runner/protocol/model-state';
import { ModelRunner, ModelRunnerSettings } from '../../src/model-runner/runner/model-runner';
import { SetupSlots } from '../../src/model-runner/runner/setup-slots';
import { InsecureChannelSecurity } from '../../src/model-runner/security/channel-security';
import { sleep } from './test-model-server';

describe('SetupSlots', () => {
  it('lets `limit` holders in at once and hands released slots over in order', async () => {
    const slots = new SetupSlots(2);
    const order: number[] = [];
    const releases = await Promise.all([slots.acquire(), slots.acquire()]);
    const waiting = [3, 4, 5].map((n) => slots.acquire().then((release) => (order.push(n), release)));
    await sleep(5);
    expect([slots.active, slots.queued, order]).toEqual([2, 3, []]);
    releases[0]();
    releases[0](); // a second release of the same slot gives nothing back
    await sleep(5);
    expect([slots.active, slots.queued, order]).toEqual([2, 2, [3]]);
    releases[1]();
    (await waiting[0])();
    await Promise.all(waiting.slice(1));
    expect(order).toEqual([3, 4, 5]);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new SetupSlots(0)).toThrow(RangeError);
    expect(() => resolveModelRunnerOptions({ host: 'h', port: 1, crunchId: 'c', baseClassName: 'b', setupConcurrency: 0 })).toThrow(ModelRunnerConfigError);
    expect(modelRunnerOptionsFromEnv({ MODEL_SETUP_CONCURRENCY: '32' }).setupConcurrency).toBe(32);
    expect(() => modelRunnerOptionsFromEnv({ MODEL_SETUP_CONCURRENCY: '0' })).toThrow(/MODEL_SETUP_CONCURRENCY/);
  });
});

describe('ModelRunner setups share the coordinator-wide SetupSlots', () => {
  const SETTINGS: ModelRunnerSettings = {
    baseClassName: 'Base', connectTimeoutMs: 2000, setupTimeoutMs: 2000, setupAttempts: 3, setupBackoffMs: 20,
    callTimeoutMs: 1000, healthCheckTimeoutMs: 500, maxConsecutiveFailures: 100, maxConsecutiveTimeouts: 20,
    cooldownAfterTimeouts: 2, maxCooldownSkips: 32,
  };
  let server: grpc.Server;
  let port: number;
  let inSetup = 0;
  let mostInSetup = 0;
  let setups = 0;
  let failFirstSetups = 0;

  beforeEach(async () => {
    [inSetup, mostInSetup, setups, failFirstSetups] = [0, 0, 0, 0];
    server = new grpc.Server();
    server.addService(modelRunnerProtos().definitions.dynamicSubclass, {
      Setup: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
        setups += 1;
        inSetup += 1;
        mostInSetup = Math.max(mostInSetup, inSetup);
        const code = setups <= failFirstSetups ? 'SETUP_FAILED' : 'SUCCESS';
        setTimeout(() => {
          inSetup -= 1;
          callback(null, { status: { code, message: '' } });
        }, 30);
      },
      Call: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, { status: { code: 'SUCCESS', message: '' } }),
      Rest: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, {}),
    });
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
  });
  afterEach(() => server.forceShutdown());

  const model = (i: number): ModelState => ({
    model_id: `m${i}`, deployment_id: `m${i}_20260101_000000_000`, state: 'RUNNING', ip: '127.0.0.1', port,
    infos: { model_name: null, cruncher_id: null, cruncher_name: null, cruncher_wallet_pubkey: null, cruncher_hotkey: null },
  });

  it('never has more Setups in flight than the limit, and every model still comes up', async () => {
    const slots = new SetupSlots(3);
    const runners = Array.from({ length: 12 }, (_, i) => new ModelRunner(model(i), SETTINGS, new InsecureChannelSecurity(), () => undefined, slots));
    try {
      await Promise.all(runners.map((runner) => runner.start()));
      expect(setups).toBe(12);
      expect(mostInSetup).toBe(3);
      expect([slots.active, slots.queued]).toEqual([0, 0]);
    } finally {
      runners.forEach((runner) => runner.close());
    }
  });

  it('gives its slot back during the backoff, so a model that failed does not hold the others up', async () => {
    failFirstSetups = 1;
    const slots = new SetupSlots(1);
    const settings = { ...SETTINGS, setupBackoffMs: 400 };
    const runners = [0, 1, 2].map((i) => new ModelRunner(model(i), settings, new InsecureChannelSecurity(), () => undefined, slots));
    try {
      const began = Date.now();
      const [first, ...others] = runners.map((runner) => runner.start().then(() => Date.now() - began));
      // The first Setup fails; the other two models pass theirs while the first one waits 400 ms.
      expect(Math.max(...(await Promise.all(others)))).toBeLessThan(400);
      expect(await first).toBeGreaterThanOrEqual(400);
      expect(setups).toBe(4);
    } finally {
      runners.forEach((runner) => runner.close());
    }
  });
});
