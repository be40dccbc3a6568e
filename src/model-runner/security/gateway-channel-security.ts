import { createPrivateKey, createPublicKey, KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ModelState } from '../protocol/model-state';
import { SecurityConfigError } from '../model-runner.errors';
import { ModelChannelSecurity } from './channel-security';

export const GATEWAY_AUTH_MESSAGE = 'x-gateway-auth-message';
export const GATEWAY_AUTH_SIGNATURE = 'x-gateway-auth-signature';
export const GATEWAY_AUTH_PUBKEY = 'x-gateway-auth-pubkey';

/**
 * Gateway mode (spec section 5): server-authenticated TLS (system CAs unless a CA is given)
 * and, on every call, a token signed with the coordinator's RSA key (PKCS#1 v1.5, SHA-256):
 * base64 of `{"model_id":"m1","timestamp":1767225600}`. Servers reject tokens older than 30 s,
 * so the timestamp is wall-clock time, never a virtual clock.
 *
 * @example
 *   const security = GatewayChannelSecurity.fromKeyFile('/etc/coordinator/gateway-key.pem');
 */
export class GatewayChannelSecurity implements ModelChannelSecurity {
  readonly mode = 'gateway' as const;
  readonly verifiesServer = false;
  private readonly credentials: grpc.ChannelCredentials;
  private readonly publicKeyBase64: string;

  constructor(
    private readonly privateKey: KeyObject,
    caCertificate: Buffer | null = null,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    if (privateKey.asymmetricKeyType !== 'rsa') {
      throw new SecurityConfigError('gateway key', `expected an RSA private key, got ${privateKey.asymmetricKeyType}`);
    }
    this.credentials = grpc.credentials.createSsl(caCertificate);
    this.publicKeyBase64 = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  }

  static fromKeyFile(keyPath: string, caPath?: string | null, nowSeconds?: () => number): GatewayChannelSecurity {
    const read = (file: string) => {
      try {
        return readFileSync(file);
      } catch (error) {
        throw new SecurityConfigError(file, `cannot read gateway credential: ${(error as Error).message}`);
      }
    };
    let key: KeyObject;
    try {
      key = createPrivateKey(read(keyPath));
    } catch (error) {
      if (error instanceof SecurityConfigError) throw error;
      throw new SecurityConfigError(keyPath, `not a PEM/DER private key: ${(error as Error).message}`);
    }
    return new GatewayChannelSecurity(key, caPath ? read(caPath) : null, nowSeconds);
  }

  channel(): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
    return { credentials: this.credentials, options: {} };
  }

  callMetadata(model: ModelState): grpc.Metadata {
    const message = Buffer.from(JSON.stringify({ model_id: model.model_id, timestamp: this.nowSeconds() }), 'utf8');
    const metadata = new grpc.Metadata();
    metadata.set(GATEWAY_AUTH_MESSAGE, message.toString('base64'));
    metadata.set(GATEWAY_AUTH_SIGNATURE, sign('sha256', message, this.privateKey).toString('base64'));
    metadata.set(GATEWAY_AUTH_PUBKEY, this.publicKeyBase64);
    return metadata;
  }

  verifyServer(): void {
    // The TLS handshake already authenticated the gateway against the trusted CAs.
  }
}
