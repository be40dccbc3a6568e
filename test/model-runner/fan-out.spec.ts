import * as grpc from '@grpc/grpc-js';
import { modelRunnerProtos } from '../../src/model-runner/grpc/model-runner-protos';
import { ModelRunnerPool } from '../../src/model-runner/model-runner-pool';
import { ModelRunner, ModelRunnerSettings } from '../../src/model-runner/runner/model-runner';
import { InsecureChannelSecurity } from '../../src/model-runner/security/channel-security';
import { encodeCallArguments } from '../../src/model-runner/variant/call-arguments';
import { encodeVariant } from '../../src/model-runner/variant/variant';

const MODELS = Number(process.env.FAN_OUT_MODELS ?? 200);

const SETTINGS: ModelRunnerSettings = {
  baseClassName: 'Base', connectTimeoutMs: 10_000, setupTimeoutMs: 10_000, setupAttempts: 1, setupBackoffMs: 10,
  callTimeoutMs: 10_000, healthCheckTimeoutMs: 1000, maxConsecutiveFailures: 100, maxConsecutiveTimeouts: 20,
  cooldownAfterTimeouts: 2, maxCooldownSkips: 32,
};

describe(`fan-out to ${MODELS} models, one channel each`, () => {
  it('runs a predict round with every model answering, in bounded time', async () => {
    // One permissive server stands in for many model nodes; each runner still has its own channel.
    const server = new grpc.Server();
    const answer = { status: { code: 'SUCCESS', message: '' }, methodResponse: encodeVariant({ type: 'JSON', value: [{ mu: 0, sigma: 1 }] }) };
    server.addService(modelRunnerProtos().definitions.dynamicSubclass, {
      Setup: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { status: { code: 'SUCCESS', message: '' } }),
      Call: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, answer),
      Rest: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, {}),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const pool = new ModelRunnerPool<ModelRunner>((model, onGiveUp) => new ModelRunner(model, SETTINGS, new InsecureChannelSecurity(), onGiveUp), () => undefined);
    const models = Array.from({ length: MODELS }, (_, i) => ({
      model_id: `m${i}`, deployment_id: `m${i}_20260101_000000_000`, state: 'RUNNING' as const, ip: '127.0.0.1', port,
      infos: { model_name: null, cruncher_id: null, cruncher_name: null, cruncher_wallet_pubkey: null, cruncher_hotkey: null },
    }));
    try {
      let began = Date.now();
      pool.apply({ event: 'init', models, unreadableModelIds: [] });
      while (pool.running().length < MODELS && Date.now() - began < 20_000) await new Promise((r) => setTimeout(r, 10));
      const setupMs = Date.now() - began;
      expect(pool.running()).toHaveLength(MODELS);

      const args = encodeCallArguments({ positional: [{ type: 'STRING', value: 'BTC' }, { type: 'INT', value: 3600 }, { type: 'INT', value: 300 }] });
      const rounds: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        began = Date.now();
        const results = await Promise.all(pool.running().map((runner) => runner.call('predict', args)));
        rounds.push(Date.now() - began);
        expect(results.filter((r) => r.status === 'SUCCESS')).toHaveLength(MODELS);
      }
      // eslint-disable-next-line no-console
      console.log(`fan-out ${MODELS} models: setup ${setupMs} ms, rounds ${rounds.join(' / ')} ms`);
      expect(Math.min(...rounds)).toBeLessThan(5_000);
    } finally {
      await pool.closeAll();
      server.forceShutdown();
    }
  }, 60_000);
});
