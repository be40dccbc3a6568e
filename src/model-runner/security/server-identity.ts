import { createPublicKey, KeyObject, verify, X509Certificate } from 'node:crypto';
import bs58 from 'bs58';
import { ServerIdentityError } from '../model-runner.errors';

/**
 * The proof a model node gives in secure mode (spec section 5): its cruncher's wallet
 * (Ed25519) signed a message binding the node's TLS key to the model and the hotkey.
 *
 * @example
 *   verifyServerIdentity(
 *     { message: md['x-server-auth-message'], signature: md['x-server-auth-signature'], walletPubkey: md['x-server-wallet-pubkey'] },
 *     { modelId: 'm1', walletPubkey: infos.cruncher_wallet_pubkey, hotkey: infos.cruncher_hotkey, tlsPublicKeyDer, nowSeconds },
 *   );
 */
export const SERVER_AUTH_MESSAGE = 'x-server-auth-message';
export const SERVER_AUTH_SIGNATURE = 'x-server-auth-signature';
export const SERVER_WALLET_PUBKEY = 'x-server-wallet-pubkey';

export interface ServerIdentityProof {
  message: string | undefined;
  signature: string | undefined;
  walletPubkey: string | undefined;
}

export interface ExpectedServerIdentity {
  modelId: string;
  walletPubkey: string | null;
  hotkey: string | null;
  /** DER SubjectPublicKeyInfo of the certificate the TLS peer presented. */
  tlsPublicKeyDer: Buffer;
  nowSeconds: number;
}

export interface VerifiedServerIdentity {
  /** Unix seconds after which the proof is no longer accepted (null: no expiry given). */
  expiresAt: number | null;
}

/** DER prefix that turns a raw 32-byte Ed25519 key into a SubjectPublicKeyInfo. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error(`an Ed25519 public key has 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** DER SubjectPublicKeyInfo of a DER certificate (what `cert_pub` must equal, base64-decoded). */
export function certificatePublicKeyDer(certificateDer: Buffer): Buffer {
  return new X509Certificate(certificateDer).publicKey.export({ type: 'spki', format: 'der' });
}

export function verifyServerIdentity(proof: ServerIdentityProof, expected: ExpectedServerIdentity): VerifiedServerIdentity {
  const reject = (reason: string): never => {
    throw new ServerIdentityError(expected.modelId, reason);
  };
  if (!proof.message || !proof.signature || !proof.walletPubkey) {
    reject(`missing ${SERVER_AUTH_MESSAGE} / ${SERVER_AUTH_SIGNATURE} / ${SERVER_WALLET_PUBKEY} metadata`);
  }
  if (!expected.walletPubkey) reject('the orchestrator gave no cruncher_wallet_pubkey for this model');
  if (proof.walletPubkey !== expected.walletPubkey) {
    reject(`wallet key ${proof.walletPubkey} is not the cruncher's ${expected.walletPubkey}`);
  }

  let walletKey: KeyObject;
  try {
    walletKey = ed25519PublicKeyFromRaw(bs58.decode(proof.walletPubkey!));
  } catch (error) {
    return reject(`wallet key is not a base58 Ed25519 key: ${(error as Error).message}`);
  }
  const messageBytes = Buffer.from(proof.message!, 'base64');
  const signature = Buffer.from(proof.signature!, 'base64');
  let signatureValid = false;
  try {
    signatureValid = verify(null, messageBytes, walletKey, signature);
  } catch {
    signatureValid = false;
  }
  if (!signatureValid) reject('wallet signature over the auth message is invalid');

  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(messageBytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    payload = parsed as Record<string, unknown>;
  } catch (error) {
    return reject(`auth message is not a JSON object: ${(error as Error).message}`);
  }

  if (typeof payload.cert_pub !== 'string' || payload.cert_pub === '') reject('auth message has no cert_pub');
  if (!Buffer.from(payload.cert_pub as string, 'base64').equals(expected.tlsPublicKeyDer)) {
    reject('cert_pub does not match the public key of the TLS certificate the server presented');
  }
  if (payload.model_id !== expected.modelId) {
    reject(`auth message is for model ${JSON.stringify(payload.model_id)}`);
  }
  // As the reference client: the hotkey must be equal, null included (an absent key reads as null).
  const hotkey = payload.hotkey ?? null;
  if (hotkey !== (expected.hotkey ?? null)) {
    reject(`hotkey ${JSON.stringify(hotkey)} is not the cruncher's ${JSON.stringify(expected.hotkey)}`);
  }
  const expiresAt = readExpiry(payload.expires_at, reject);
  if (expiresAt !== null && expiresAt < expected.nowSeconds) {
    reject(`auth message expired at ${new Date(expiresAt * 1000).toISOString()}`);
  }
  return { expiresAt };
}

function readExpiry(raw: unknown, reject: (reason: string) => never): number | null {
  if (raw === undefined || raw === null) return null;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) return reject(`expires_at ${JSON.stringify(raw)} is not a number`);
  return Math.trunc(value);
}
