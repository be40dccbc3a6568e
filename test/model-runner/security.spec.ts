import { createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import bs58 from 'bs58';
import type { ModelState } from '../../src/model-runner/protocol/model-state';
import { ModelUnusableError } from '../../src/model-runner/model-runner.errors';
import { ModelRunner, ModelRunnerSettings } from '../../src/model-runner/runner/model-runner';
import { GatewayChannelSecurity } from '../../src/model-runner/security/gateway-channel-security';
import { MutualTlsChannelSecurity } from '../../src/model-runner/security/mtls-channel-security';
import { verifyServerIdentity } from '../../src/model-runner/security/server-identity';
import { encodeCallArguments } from '../../src/model-runner/variant/call-arguments';
import { TestModelServer } from './test-model-server';
import { createTestCa, IssuedCertificate, TestCa } from './test-pki';

const SETTINGS: ModelRunnerSettings = {
  baseClassName: 'condorgame.tracker.TrackerBase',
  connectTimeoutMs: 1000,
  setupTimeoutMs: 2000,
  setupAttempts: 2,
  setupBackoffMs: 10,
  callTimeoutMs: 2000,
  healthCheckTimeoutMs: 500,
  maxConsecutiveFailures: 100,
  maxConsecutiveTimeouts: 20,
  cooldownAfterTimeouts: 2,
  maxCooldownSkips: 32,
};
const NO_ARGS = encodeCallArguments({ positional: [] });
const nowSeconds = () => Math.floor(Date.now() / 1000);

function wallet() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  return { privateKey, base58: bs58.encode(raw) };
}

function modelState(port: number, infos: Partial<ModelState['infos']>): ModelState {
  return {
    model_id: 'm1',
    deployment_id: 'm1_20260101_000000_000',
    state: 'RUNNING',
    ip: '127.0.0.1',
    port,
    infos: { model_name: 'alpha', cruncher_id: 'c1', cruncher_name: 'alice', cruncher_wallet_pubkey: null, cruncher_hotkey: null, ...infos },
  };
}

/** The identity headers a model node sends: its wallet signs {cert_pub, model_id, hotkey, expires_at}. */
function identityHeaders(signer: KeyObject, walletBase58: string, payload: Record<string, unknown>): grpc.Metadata {
  const message = Buffer.from(JSON.stringify(payload));
  const metadata = new grpc.Metadata();
  metadata.set('x-server-auth-message', message.toString('base64'));
  metadata.set('x-server-auth-signature', sign(null, message, signer).toString('base64'));
  metadata.set('x-server-wallet-pubkey', walletBase58);
  return metadata;
}

describe('secure mode (mTLS + wallet-signed server identity)', () => {
  let ca: TestCa;
  let serverCert: IssuedCertificate;
  let credentialsDir: string;
  const cruncher = wallet();
  let server: TestModelServer | undefined;
  let runner: ModelRunner | undefined;

  beforeAll(() => {
    ca = createTestCa();
    serverCert = ca.issue('model-node-m1.crunchdao.internal', [{ dns: 'model-node-m1.crunchdao.internal' }], 'server');
    const clientCert = ca.issue('coordinator', [{ dns: 'coordinator.crunchdao.internal' }], 'client');
    credentialsDir = mkdtempSync(path.join(tmpdir(), 'mtls-'));
    writeFileSync(path.join(credentialsDir, 'ca.crt'), ca.certPem);
    writeFileSync(path.join(credentialsDir, 'tls.crt'), clientCert.certPem);
    writeFileSync(path.join(credentialsDir, 'tls.key'), clientCert.keyPem);
  });
  afterEach(() => {
    runner?.close();
    server?.stop();
  });

  const validPayload = () => ({
    cert_pub: serverCert.publicKeyDer.toString('base64'),
    model_id: 'm1',
    hotkey: 'hk-1',
    expires_at: nowSeconds() + 3600,
  });

  async function startNode(headers: () => grpc.Metadata, requireClientCert = true) {
    server = new TestModelServer({
      credentials: grpc.ServerCredentials.createSsl(
        Buffer.from(ca.certPem),
        [{ private_key: Buffer.from(serverCert.keyPem), cert_chain: Buffer.from(serverCert.certPem) }],
        requireClientCert,
      ),
      initialMetadata: headers,
    });
    server.callHandler = () => ({ value: { type: 'STRING', value: 'secret prediction' } });
    return server.listen();
  }

  async function connect(port: number, infos: Partial<ModelState['infos']> = {}) {
    const giveUps: ModelUnusableError[] = [];
    runner = new ModelRunner(
      modelState(port, { cruncher_wallet_pubkey: cruncher.base58, cruncher_hotkey: 'hk-1', ...infos }),
      SETTINGS,
      MutualTlsChannelSecurity.fromDirectory(credentialsDir),
      (f) => giveUps.push(f),
    );
    await runner.start();
    return giveUps;
  }

  async function connectFailure(port: number, infos: Partial<ModelState['infos']> = {}) {
    try {
      await connect(port, infos);
    } catch (error) {
      return error as ModelUnusableError;
    }
    throw new Error('connect should have failed');
  }

  it('connects with the client certificate, verifies the node identity, and calls', async () => {
    const port = await startNode(() => identityHeaders(cruncher.privateKey, cruncher.base58, validPayload()));
    await connect(port);
    expect(await runner!.call('predict', NO_ARGS)).toMatchObject({ status: 'SUCCESS', result: 'secret prediction' });
    expect(server!.setups).toHaveLength(1);
  });

  it('rejects a node whose wallet is not the cruncher\'s: CONNECTION_FAILED', async () => {
    const impostor = wallet();
    const port = await startNode(() => identityHeaders(impostor.privateKey, impostor.base58, validPayload()));
    const failure = await connectFailure(port);
    expect(failure.failureCode).toBe('CONNECTION_FAILED');
    expect(failure.message).toMatch(/wallet key .* is not the cruncher's/);
  });

  it('rejects a node whose cert_pub is not the key of its TLS certificate', async () => {
    const other = ca.issue('elsewhere', [{ dns: 'x.internal' }], 'server');
    const port = await startNode(() =>
      identityHeaders(cruncher.privateKey, cruncher.base58, { ...validPayload(), cert_pub: other.publicKeyDer.toString('base64') }),
    );
    const failure = await connectFailure(port);
    expect(failure.failureCode).toBe('CONNECTION_FAILED');
    expect(failure.message).toMatch(/cert_pub does not match/);
    expect(server!.setups).toHaveLength(1); // not retried: identity failures are final
  });

  it('rejects a node that sends no identity headers', async () => {
    const port = await startNode(() => new grpc.Metadata());
    expect((await connectFailure(port)).message).toMatch(/missing x-server-auth-message/);
  });

  it('drops a running model whose identity proof turns bad on a call', async () => {
    let payload = validPayload();
    const port = await startNode(() => identityHeaders(cruncher.privateKey, cruncher.base58, payload));
    const giveUps = await connect(port);
    payload = { ...payload, model_id: 'm2' };
    const result = await runner!.call('predict', NO_ARGS);
    expect(result.status).toBe('FAILED');
    expect(giveUps.map((f) => f.failureCode)).toEqual(['CONNECTION_FAILED']);
  });

  it('cannot connect to a node whose certificate is from another CA', async () => {
    const foreignCa = createTestCa('Foreign CA');
    const foreignCert = foreignCa.issue('model-node-m1.crunchdao.internal', [{ dns: 'model-node-m1.crunchdao.internal' }], 'server');
    server = new TestModelServer({
      credentials: grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(foreignCert.keyPem), cert_chain: Buffer.from(foreignCert.certPem) }], false),
    });
    const port = await server.listen();
    expect((await connectFailure(port)).failureCode).toBe('CONNECTION_FAILED');
    expect(server.setups).toHaveLength(0);
  });
});

describe('verifyServerIdentity (the checks of secure mode)', () => {
  const cruncher = wallet();
  const tlsKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
  const payload = { cert_pub: tlsKey.toString('base64'), model_id: 'm1', hotkey: 'hk', expires_at: 2_000_000_000 };
  const expected = { modelId: 'm1', walletPubkey: cruncher.base58, hotkey: 'hk', tlsPublicKeyDer: tlsKey, nowSeconds: 1_900_000_000 };
  const proofOf = (body: Record<string, unknown>, signer = cruncher.privateKey, walletPubkey = cruncher.base58) => {
    const message = Buffer.from(JSON.stringify(body));
    return { message: message.toString('base64'), signature: sign(null, message, signer).toString('base64'), walletPubkey };
  };

  it('accepts a valid proof and returns its expiry', () => {
    expect(verifyServerIdentity(proofOf(payload), expected)).toEqual({ expiresAt: 2_000_000_000 });
  });

  it.each([
    ['a signature by another key', () => proofOf(payload, wallet().privateKey), /signature .* invalid/],
    ['another model id', () => proofOf({ ...payload, model_id: 'm2' }), /for model "m2"/],
    ['another hotkey', () => proofOf({ ...payload, hotkey: 'other' }), /hotkey "other"/],
    ['an expired proof', () => proofOf({ ...payload, expires_at: 1_800_000_000 }), /expired/],
    ['a tampered message', () => ({ ...proofOf(payload), message: Buffer.from(JSON.stringify({ ...payload, hotkey: 'x' })).toString('base64') }), /signature/],
    ['a message that is not JSON', () => proofOf('nope' as any), /not a JSON object/],
    ['no cert_pub', () => proofOf({ ...payload, cert_pub: undefined }), /no cert_pub/],
    ['a wallet key that is not base58 Ed25519', () => ({ ...proofOf(payload), walletPubkey: '0OIl' }), /wallet key/],
  ])('rejects %s', (_name, proof, message) => {
    const p = proof();
    const exp = { ...expected, walletPubkey: p.walletPubkey };
    expect(() => verifyServerIdentity(p, exp)).toThrow(message);
  });

  it('compares hotkeys strictly, a null hotkey matching an absent one', () => {
    expect(() => verifyServerIdentity(proofOf({ ...payload, hotkey: undefined }), { ...expected, hotkey: null })).not.toThrow();
    expect(() => verifyServerIdentity(proofOf({ ...payload, hotkey: '' }), { ...expected, hotkey: null })).toThrow(/hotkey/);
  });

  it('rejects when the orchestrator gave no wallet key for the model', () => {
    expect(() => verifyServerIdentity(proofOf(payload), { ...expected, walletPubkey: null })).toThrow(/no cruncher_wallet_pubkey/);
  });
});

describe('gateway mode (TLS + RSA-signed token on every call)', () => {
  let ca: TestCa;
  let serverCert: IssuedCertificate;
  let keyPath: string;
  let caPath: string;
  let server: TestModelServer | undefined;
  let runner: ModelRunner | undefined;
  const seen: Array<{ payload: any; pubkey: string }> = [];

  beforeAll(() => {
    ca = createTestCa();
    serverCert = ca.issue('gateway', [{ ip: '127.0.0.1' }], 'server');
    const dir = mkdtempSync(path.join(tmpdir(), 'gateway-'));
    keyPath = path.join(dir, 'coordinator.key');
    caPath = path.join(dir, 'ca.crt');
    writeFileSync(keyPath, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(caPath, ca.certPem);
  });
  afterEach(() => {
    runner?.close();
    server?.stop();
    seen.length = 0;
  });

  /** The gateway's check: signature valid for the presented key, fresh timestamp, right model, allowed key. */
  const gatewayAuthorize = (allowedPubkey: () => string | null) => (metadata: grpc.Metadata) => {
    const [message, signature, pubkey] = ['x-gateway-auth-message', 'x-gateway-auth-signature', 'x-gateway-auth-pubkey'].map(
      (key) => metadata.get(key)[0] as string | undefined,
    );
    if (!message || !signature || !pubkey) return 'missing gateway auth metadata';
    const messageBytes = Buffer.from(message, 'base64');
    const key = createPublicKey({ key: Buffer.from(pubkey, 'base64'), format: 'der', type: 'spki' });
    if (!verify('sha256', messageBytes, key, Buffer.from(signature, 'base64'))) return 'bad signature';
    const payload = JSON.parse(messageBytes.toString());
    seen.push({ payload, pubkey });
    if (Math.abs(nowSeconds() - payload.timestamp) > 30) return 'stale token';
    if (allowedPubkey() !== null && pubkey !== allowedPubkey()) return 'key not registered';
    return null;
  };

  async function startGateway(allowedPubkey: () => string | null = () => null) {
    server = new TestModelServer({
      credentials: grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(serverCert.keyPem), cert_chain: Buffer.from(serverCert.certPem) }], false),
      authorize: gatewayAuthorize(allowedPubkey),
    });
    server.callHandler = () => ({ value: { type: 'DOUBLE', value: 0.25 } });
    return server.listen();
  }

  async function connect(port: number, security = GatewayChannelSecurity.fromKeyFile(keyPath, caPath)) {
    runner = new ModelRunner(modelState(port, {}), SETTINGS, security, () => undefined);
    await runner.start();
  }

  it('signs every call with a fresh compact JSON token the gateway verifies', async () => {
    const port = await startGateway();
    await connect(port);
    expect(await runner!.call('predict', NO_ARGS)).toMatchObject({ status: 'SUCCESS', result: 0.25 });
    expect(seen).toHaveLength(2); // Setup and Call
    const raw = Buffer.from(server!.calls[0].metadata.get('x-gateway-auth-message')[0] as string, 'base64').toString();
    expect(raw).toMatch(/^\{"model_id":"m1","timestamp":\d+\}$/);
    expect(Math.abs(seen[1].payload.timestamp - nowSeconds())).toBeLessThanOrEqual(2);
  });

  it('reports CONNECTION_FAILED when the gateway refuses the coordinator key', async () => {
    const port = await startGateway(() => 'some-other-key');
    await expect(connect(port)).rejects.toMatchObject({ failureCode: 'CONNECTION_FAILED' });
    expect(server!.setups).toHaveLength(0);
  });

  it('reports CONNECTION_FAILED when the gateway certificate is not trusted', async () => {
    const port = await startGateway();
    const untrusted = createTestCa('Other CA');
    const dir = mkdtempSync(path.join(tmpdir(), 'gateway-other-'));
    writeFileSync(path.join(dir, 'ca.crt'), untrusted.certPem);
    await expect(connect(port, GatewayChannelSecurity.fromKeyFile(keyPath, path.join(dir, 'ca.crt')))).rejects.toMatchObject({
      failureCode: 'CONNECTION_FAILED',
    });
  });

  it('refuses a non-RSA gateway key with a configuration error naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gateway-ec-'));
    const ecPath = path.join(dir, 'ec.key');
    writeFileSync(ecPath, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => GatewayChannelSecurity.fromKeyFile(ecPath)).toThrow(/expected an RSA private key/);
    expect(() => GatewayChannelSecurity.fromKeyFile(path.join(dir, 'missing.key'))).toThrow(/missing.key: cannot read/);
  });
});
