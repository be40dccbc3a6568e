import { ModelUnusableError } from '../../src/model-runner/model-runner.errors';
import type { ModelState } from '../../src/model-runner/protocol/model-state';
import { ServingStatus } from '../../src/model-runner/grpc/model-runner-protos';
import { ModelRunner, ModelRunnerSettings } from '../../src/model-runner/runner/model-runner';
import { InsecureChannelSecurity } from '../../src/model-runner/security/channel-security';
import { encodeCallArguments } from '../../src/model-runner/variant/call-arguments';
import { VariantType } from '../../src/model-runner/variant/variant';
import { sleep, TestModelServer, waitFor } from './test-model-server';

const SETTINGS: ModelRunnerSettings = {
  baseClassName: 'condorgame.tracker.TrackerBase',
  connectTimeoutMs: 300,
  setupTimeoutMs: 1000,
  setupAttempts: 5,
  setupBackoffMs: 10,
  callTimeoutMs: 1000,
  healthCheckTimeoutMs: 500,
  maxConsecutiveFailures: 100,
  maxConsecutiveTimeouts: 20,
  cooldownAfterTimeouts: 1000,
  maxCooldownSkips: 32,
};

const modelAt = (port: number): ModelState => ({
  model_id: 'm1',
  deployment_id: 'm1_20260101_000000_000',
  state: 'RUNNING',
  ip: '127.0.0.1',
  port,
  infos: { model_name: 'alpha', cruncher_id: 'c1', cruncher_name: 'alice', cruncher_wallet_pubkey: null, cruncher_hotkey: null },
});

const NO_ARGS = encodeCallArguments({ positional: [] });

describe('ModelRunner against a model-runner gRPC server (spec section 4)', () => {
  let server: TestModelServer;
  let runner: ModelRunner | undefined;
  const giveUps: ModelUnusableError[] = [];

  beforeEach(async () => {
    giveUps.length = 0;
    server = new TestModelServer();
    await server.listen();
  });
  afterEach(() => {
    runner?.close();
    runner = undefined;
    server.stop();
  });

  const start = async (settings: Partial<ModelRunnerSettings> = {}, port = server.port) => {
    runner = new ModelRunner(modelAt(port), { ...SETTINGS, ...settings }, new InsecureChannelSecurity(), (f) => giveUps.push(f));
    await runner.start();
    return runner;
  };
  const startFailure = async (settings: Partial<ModelRunnerSettings> = {}, port = server.port) => {
    try {
      await start(settings, port);
    } catch (error) {
      return error as ModelUnusableError;
    }
    throw new Error('start() should have failed');
  };

  describe('Setup', () => {
    it('sends Setup with the base class name', async () => {
      await start();
      expect(server.setups.map((s) => s.className)).toEqual(['condorgame.tracker.TrackerBase']);
    });

    it('retries a failed Setup with exponential backoff and succeeds', async () => {
      server.setupAnswers = [{ code: 'SETUP_FAILED' }, { code: 'UNKNOWN' }];
      const began = Date.now();
      await start({ setupBackoffMs: 40 });
      expect(server.setups).toHaveLength(3);
      expect(Date.now() - began).toBeGreaterThanOrEqual(40 + 80 - 5);
    });

    it('gives up after 5 attempts with MULTIPLE_FAILED', async () => {
      server.defaultSetup = { code: 'SETUP_FAILED', message: 'import error' };
      const failure = await startFailure();
      expect(server.setups).toHaveLength(5);
      expect(failure.failureCode).toBe('MULTIPLE_FAILED');
      expect(failure.message).toMatch(/m1.*SETUP_FAILED: import error/);
    });

    it('reports BAD_IMPLEMENTATION at once (no subclass of the base class)', async () => {
      server.defaultSetup = { code: 'BAD_IMPLEMENTATION', message: 'no subclass' };
      const failure = await startFailure();
      expect(server.setups).toHaveLength(1);
      expect(failure.failureCode).toBe('BAD_IMPLEMENTATION');
    });

    it('treats INVALID_ARGUMENT as coordinator misuse: no failure code against the model', async () => {
      server.defaultSetup = { code: 'INVALID_ARGUMENT', message: 'bad class path' };
      const failure = await startFailure();
      expect(failure.failureCode).toBeNull();
      expect(server.setups).toHaveLength(1);
    });

    it('reports CONNECTION_FAILED when nothing listens at the address', async () => {
      const closed = new TestModelServer();
      const port = await closed.listen();
      closed.stop();
      const failure = await startFailure({ setupAttempts: 2, connectTimeoutMs: 150 }, port);
      expect(failure.failureCode).toBe('CONNECTION_FAILED');
    });
  });

  describe('Call', () => {
    it('sends positional arguments from position 1 and keyword arguments, and decodes the result', async () => {
      server.callHandler = () => ({ value: { type: 'JSON', value: [{ mu: 1.5, sigma: NaN }] } });
      await start();
      const result = await runner!.call(
        'predict',
        encodeCallArguments({
          positional: [{ type: 'STRING', value: 'BTC' }, { type: 'INT', value: 3600 }, { type: 'INT', value: 300 }],
          keyword: { flag: { type: 'INT', value: 1 } },
        }),
      );
      expect(server.calls[0]).toMatchObject({ method: 'predict', args: ['BTC', 3600, 300], positions: [1, 2, 3], kwargs: { flag: 1 } });
      expect(result.status).toBe('SUCCESS');
      expect((result.result as any)[0].mu).toBe(1.5);
      expect((result.result as any)[0].sigma).toBeNaN();
      expect(result.execTimeUs).toBeGreaterThan(0);
    });

    it('decodes an absent methodResponse as null', async () => {
      server.callHandler = () => ({ rawResponse: null });
      await start();
      expect(await runner!.call('tick', NO_ARGS)).toMatchObject({ status: 'SUCCESS', result: null });
    });

    it.each([
      ['MODEL_FAILED', 1],
      ['UNKNOWN', 1],
      ['BAD_IMPLEMENTATION', 1],
      ['INVALID_ARGUMENT', 0],
      ['FAILED_PRECONDITION', 0],
    ])('maps status %s to FAILED (counted against the model: %s)', async (code, counted) => {
      server.callHandler = () => ({ code, message: 'boom' });
      await start();
      const result = await runner!.call('predict', NO_ARGS);
      expect(result.status).toBe('FAILED');
      expect(result.error).toContain(code);
      expect(runner!.counters.consecutiveFailures).toBe(counted);
    });

    it('says an unknown method is not implemented by the model', async () => {
      server.callHandler = () => ({ code: 'BAD_IMPLEMENTATION' });
      await start();
      expect((await runner!.call('nope', NO_ARGS)).error).toMatch(/does not implement nope/);
    });

    it('turns an unreadable result into FAILED, not a crash', async () => {
      server.callHandler = () => ({ rawResponse: { type: VariantType.JSON, value: Buffer.from('{"mu": nan') } });
      await start();
      const result = await runner!.call('predict', NO_ARGS);
      expect(result).toMatchObject({ status: 'FAILED', result: null });
      expect(result.error).toMatch(/unreadable result.*JSON/);
    });

    it('never sends two calls at once to one model: concurrent calls are queued in order', async () => {
      let n = 0;
      server.callHandler = () => ({ value: { type: 'INT', value: ++n }, delayMs: 30 });
      await start();
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => runner!.call('predict', NO_ARGS)));
      expect(results.map((r) => r.status)).toEqual(Array(5).fill('SUCCESS'));
      expect(results.map((r) => r.result)).toEqual([1, 2, 3, 4, 5]);
      expect(server.maxInFlight).toBe(1);
      expect(server.rejectedConcurrent).toBe(0);
    });

    it('returns TIMEOUT without sending a queued call whose deadline passed while waiting', async () => {
      server.callHandler = () => ({ value: { type: 'INT', value: 1 }, delayMs: 150 });
      await start();
      const [first, second] = await Promise.all([runner!.call('predict', NO_ARGS, 1000), runner!.call('predict', NO_ARGS, 50)]);
      expect(first.status).toBe('SUCCESS');
      expect(second).toMatchObject({ status: 'TIMEOUT', execTimeUs: 0 });
      expect(server.calls).toHaveLength(1);
    });

    it('returns TIMEOUT when the deadline expires, and counts it', async () => {
      server.callHandler = () => ({ value: { type: 'INT', value: 1 }, delayMs: 300 });
      await start();
      const result = await runner!.call('predict', NO_ARGS, 60);
      expect(result.status).toBe('TIMEOUT');
      expect(result.execTimeUs).toBeGreaterThanOrEqual(50_000);
      expect(runner!.counters.consecutiveTimeouts).toBe(1);
    });

    it('resets both counters on success', async () => {
      let fail = true;
      server.callHandler = () => (fail ? { code: 'MODEL_FAILED' } : { value: { type: 'NONE', value: null } });
      await start();
      await runner!.call('predict', NO_ARGS);
      fail = false;
      await runner!.call('predict', NO_ARGS);
      expect(runner!.counters.consecutiveFailures).toBe(0);
    });
  });

  describe('failure and timeout limits', () => {
    it('gives up with MULTIPLE_FAILED once consecutive failures exceed the limit', async () => {
      server.callHandler = () => ({ code: 'MODEL_FAILED' });
      await start({ maxConsecutiveFailures: 3 });
      for (let i = 0; i < 3; i += 1) await runner!.call('predict', NO_ARGS);
      expect(giveUps).toHaveLength(0);
      await runner!.call('predict', NO_ARGS);
      expect(giveUps.map((f) => f.failureCode)).toEqual(['MULTIPLE_FAILED']);
    });

    it('gives up with MULTIPLE_FAILED on a predict that always fails while every tick succeeds', async () => {
      server.callHandler = (call) => (call.method === 'tick' ? { code: 'SUCCESS' } : { code: 'MODEL_FAILED', message: 'boom' });
      await start({ maxConsecutiveFailures: 3 });
      const predictWithTick = async () => {
        expect((await runner!.call('tick', NO_ARGS)).status).toBe('SUCCESS');
        return runner!.call('predict', NO_ARGS);
      };
      for (let i = 0; i < 3; i += 1) await predictWithTick();
      expect(giveUps).toHaveLength(0);
      await predictWithTick();
      expect(giveUps.map((f) => f.failureCode)).toEqual(['MULTIPLE_FAILED']);
      expect(giveUps[0].reason).toMatch(/4 consecutive failed predict calls \(limit 3\); last: predict answered MODEL_FAILED: boom/);
    });

    it('gives up with MULTIPLE_TIMEOUT on a predict that always times out while every tick succeeds', async () => {
      server.callHandler = (call) => (call.method === 'tick' ? { code: 'SUCCESS' } : { delayMs: 60 });
      await start({ maxConsecutiveTimeouts: 2 });
      const predictWithTick = async () => {
        await sleep(80); // the server finishes the timed-out predict first (one call at a time)
        expect((await runner!.call('tick', NO_ARGS)).status).toBe('SUCCESS');
        return runner!.call('predict', NO_ARGS, 20);
      };
      for (let i = 0; i < 2; i += 1) expect((await predictWithTick()).status).toBe('TIMEOUT');
      expect(giveUps).toHaveLength(0);
      await predictWithTick();
      expect(giveUps.map((f) => f.failureCode)).toEqual(['MULTIPLE_TIMEOUT']);
    });

    it('checks health every max(1, floor(0.2*max)) timeouts and keeps the channel when SERVING', async () => {
      server.callHandler = () => ({ delayMs: 200 });
      await start({ maxConsecutiveTimeouts: 10 }); // health check every 2 timeouts
      await runner!.call('predict', NO_ARGS, 30);
      await runner!.call('predict', NO_ARGS, 30);
      await runner!.call('predict', NO_ARGS, 500); // waits for the maintenance in the lane
      expect(server.healthChecks).toBe(1);
      expect(server.setups).toHaveLength(1);
    });

    it('reconnects (new channel, Setup again) when the health check is NOT_SERVING', async () => {
      // The server keeps working on the timed-out call (as a real one does): the first Setup
      // of the reconnect meets RESOURCE_EXHAUSTED, the retry after the backoff succeeds.
      server.callHandler = () => ({ delayMs: 100 });
      await start({ maxConsecutiveTimeouts: 3, setupBackoffMs: 150 }); // health check every timeout
      server.health = ServingStatus.NOT_SERVING;
      await runner!.call('predict', NO_ARGS, 30);
      await waitFor(() => server.setups.length === 2, 3000, 'the second Setup');
      server.callHandler = () => ({ value: { type: 'STRING', value: 'back' } });
      server.health = ServingStatus.SERVING;
      const after = await runner!.call('predict', NO_ARGS, 2000);
      expect(server.healthChecks).toBe(1);
      expect(server.setups).toHaveLength(2);
      expect(after).toMatchObject({ status: 'SUCCESS', result: 'back' });
    });

    it('gives up with the Setup failure code when the reconnect fails', async () => {
      server.callHandler = () => ({ delayMs: 100 });
      await start({ maxConsecutiveTimeouts: 3, setupAttempts: 2, setupBackoffMs: 150 });
      server.health = ServingStatus.NOT_SERVING;
      server.defaultSetup = { code: 'BAD_IMPLEMENTATION' };
      await runner!.call('predict', NO_ARGS, 30);
      await runner!.call('predict', NO_ARGS, 1000);
      expect(giveUps.map((f) => f.failureCode)).toEqual(['BAD_IMPLEMENTATION']);
    });

    it('gives up with MULTIPLE_TIMEOUT once consecutive timeouts exceed the limit', async () => {
      server.callHandler = () => ({ delayMs: 100 });
      await start({ maxConsecutiveTimeouts: 2 });
      for (let i = 0; i < 2; i += 1) await runner!.call('predict', NO_ARGS, 20);
      expect(giveUps).toHaveLength(0);
      await sleep(120);
      await runner!.call('predict', NO_ARGS, 20);
      expect(giveUps.map((f) => f.failureCode)).toEqual(['MULTIPLE_TIMEOUT']);
    });

    it('skips calls of a model in cool-down: TIMEOUT without reaching the server', async () => {
      server.callHandler = () => ({ delayMs: 100 });
      await start({ cooldownAfterTimeouts: 1, maxConsecutiveTimeouts: 100 });
      await runner!.call('predict', NO_ARGS, 20); // timeout #1 -> 1 skip
      await sleep(120);
      const skipped = await runner!.call('predict', NO_ARGS, 20);
      expect(skipped.status).toBe('TIMEOUT');
      expect(skipped.error).toMatch(/cooling down/);
      expect(server.calls).toHaveLength(1);
    });

    it('a closed runner answers FAILED without calling', async () => {
      await start();
      runner!.close();
      expect((await runner!.call('predict', NO_ARGS)).status).toBe('FAILED');
      expect(server.calls).toHaveLength(0);
    });
  });
});
