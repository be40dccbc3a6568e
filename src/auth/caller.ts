import type { IncomingHttpHeaders } from 'node:http';
import { ApiKeyIdentity } from './access-tier';
import { ApiKeyRing } from './api-key-ring';

/** Who a request says it is: no key, a key no one configured, or a configured key. */
export type Caller = { kind: 'anonymous' } | { kind: 'unknown-key' } | { kind: 'key'; identity: ApiKeyIdentity };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The secret a request presents: `X-API-Key: <secret>`, else `Authorization: Bearer <secret>`.
 * Undefined when neither header carries one.
 */
export function presentedSecret(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  const apiKey = (Array.isArray(header) ? header[0] : header)?.trim();
  if (apiKey) return apiKey;
  const bearer = headers.authorization?.match(BEARER);
  return bearer?.[1];
}

/** Whether a request carries a key header at all (the leaderboard fast path leaves those to Nest). */
export function presentsKey(headers: IncomingHttpHeaders): boolean {
  return headers['x-api-key'] !== undefined || headers.authorization !== undefined;
}

const CALLER = Symbol('coordinator:caller');

/**
 * The caller of a request, worked out once per request: the rate limiter (which counts a keyed
 * request against its key) and the access guard both ask, and the secret is hashed only once.
 */
export function callerOf(req: { headers: IncomingHttpHeaders }, ring: ApiKeyRing): Caller {
  const memo = req as { [CALLER]?: Caller };
  const known = memo[CALLER];
  if (known) return known;
  const secret = presentedSecret(req.headers);
  let caller: Caller;
  if (secret === undefined) caller = { kind: 'anonymous' };
  else {
    const identity = ring.identify(secret);
    caller = identity ? { kind: 'key', identity } : { kind: 'unknown-key' };
  }
  memo[CALLER] = caller;
  return caller;
}
