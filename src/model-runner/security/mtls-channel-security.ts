import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { ModelState } from '../protocol/model-state';
import { SecurityConfigError, ServerIdentityError } from '../model-runner.errors';
import { ModelChannelSecurity } from './channel-security';
import {
  certificatePublicKeyDer,
  SERVER_AUTH_MESSAGE,
  SERVER_AUTH_SIGNATURE,
  SERVER_WALLET_PUBKEY,
  verifyServerIdentity,
} from './server-identity';

/** Secure mode sends no metadata of its own (grpc-js copies what a call is given, so one object serves all). */
const NO_METADATA = new grpc.Metadata();

/**
 * Secure mode (spec section 5): mutual TLS with the credentials directory (`ca.crt`,
 * `tls.crt`, `tls.key`), the server name `model-node-{model_id}.crunchdao.internal`, and the
 * wallet-signed identity proof checked on every Setup and Call answer.
 *
 * The server's TLS certificate comes from grpc-js itself: since 1.10 a client call exposes
 * `getAuthContext().sslPeerCertificate` (the certificate of the connection that carried it),
 * so the key the proof is checked against is the one of the very connection used.
 *
 * @example
 *   const security = MutualTlsChannelSecurity.fromDirectory('/etc/coordinator/tls');
 */
export class MutualTlsChannelSecurity implements ModelChannelSecurity {
  readonly mode = 'secure' as const;
  /** One verified proof per model: the same headers need not be re-verified on every call. */
  private readonly verified = new Map<string, { key: string; expiresAt: number | null }>();

  constructor(
    private readonly credentials: grpc.ChannelCredentials,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  static fromDirectory(directory: string, nowSeconds?: () => number): MutualTlsChannelSecurity {
    const read = (file: string) => {
      const full = path.join(directory, file);
      try {
        return readFileSync(full);
      } catch (error) {
        throw new SecurityConfigError(full, `cannot read secure-mode credential: ${(error as Error).message}`);
      }
    };
    const credentials = grpc.credentials.createSsl(read('ca.crt'), read('tls.key'), read('tls.crt'));
    return new MutualTlsChannelSecurity(credentials, nowSeconds);
  }

  static serverName(modelId: string): string {
    return `model-node-${modelId}.crunchdao.internal`;
  }

  channel(model: ModelState): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
    const serverName = MutualTlsChannelSecurity.serverName(model.model_id);
    return {
      credentials: this.credentials,
      options: { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName },
    };
  }

  callMetadata(): grpc.Metadata {
    return NO_METADATA;
  }

  verifyServer(model: ModelState, initialMetadata: grpc.Metadata | null, call: grpc.ClientUnaryCall): void {
    const peer = call.getAuthContext()?.sslPeerCertificate;
    if (!peer?.raw) throw new ServerIdentityError(model.model_id, 'no TLS peer certificate on the connection');
    const header = (key: string) => {
      const value = initialMetadata?.get(key)[0];
      return typeof value === 'string' ? value : undefined;
    };
    const proof = {
      message: header(SERVER_AUTH_MESSAGE),
      signature: header(SERVER_AUTH_SIGNATURE),
      walletPubkey: header(SERVER_WALLET_PUBKEY),
    };
    const cacheKey = [
      model.deployment_id,
      proof.message,
      proof.signature,
      proof.walletPubkey,
      model.infos.cruncher_wallet_pubkey,
      model.infos.cruncher_hotkey,
      peer.fingerprint256,
    ].join('|');
    const now = this.nowSeconds();
    const cached = this.verified.get(model.model_id);
    if (cached?.key === cacheKey && (cached.expiresAt === null || cached.expiresAt >= now)) return;

    const { expiresAt } = verifyServerIdentity(proof, {
      modelId: model.model_id,
      walletPubkey: model.infos.cruncher_wallet_pubkey,
      hotkey: model.infos.cruncher_hotkey,
      tlsPublicKeyDer: certificatePublicKeyDer(peer.raw),
      nowSeconds: now,
    });
    this.verified.set(model.model_id, { key: cacheKey, expiresAt });
  }

  /** Drops the cached proof of a model that left. */
  forget(modelId: string): void {
    this.verified.delete(modelId);
  }
}
