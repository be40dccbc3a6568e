import { createHash, timingSafeEqual } from 'node:crypto';
import { AccessTier, ApiKeyIdentity } from './access-tier';
import { ApiKeyEntry } from './api-keys';

/** Tier order: a key passes a route whose tier is at or below its own (admin passes read). */
const TIER_RANK: Record<AccessTier, number> = { read: 1, admin: 2 };

export function tierMeets(key: AccessTier, required: AccessTier): boolean {
  return TIER_RANK[key] >= TIER_RANK[required];
}

/**
 * The configured API keys, answering which key a presented secret is. The secret is hashed
 * (sha256) and compared with every configured hash in constant time, all of them every time,
 * so neither the answer's timing nor an early exit tells which key (or how much of one) matched.
 *
 * @example
 *   const ring = new ApiKeyRing(readApiKeys(env));
 *   ring.identify(secretFromHeader); // { id: 'ops', tier: 'admin' } or undefined
 */
export class ApiKeyRing {
  private readonly entries: readonly ApiKeyEntry[];

  constructor(entries: readonly ApiKeyEntry[]) {
    this.entries = entries.map((entry) => ({ ...entry }));
  }

  /** How many keys are configured: none means every protected route answers 401. */
  get size(): number {
    return this.entries.length;
  }

  identify(secret: string): ApiKeyIdentity | undefined {
    const digest = createHash('sha256').update(secret, 'utf8').digest();
    let match: ApiKeyEntry | undefined;
    for (const entry of this.entries) {
      // Compared first, remembered second: every entry is compared whatever matched before.
      const equal = timingSafeEqual(digest, entry.sha256);
      if (equal && match === undefined) match = entry;
    }
    return match && { id: match.id, tier: match.tier };
  }
}
