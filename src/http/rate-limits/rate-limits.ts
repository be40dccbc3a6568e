import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { ApiKeyRing } from '../../auth/api-key-ring';
import { callerOf } from '../../auth/caller';
import { clientAddress } from './client-address';
import { FixedWindowStorage } from './fixed-window-storage';
import { RateLimitSettings } from './rate-limit-settings';

export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Who a request is counted against: its key when it presents a configured one, else its IP. */
export interface RateTracker {
  kind: 'key' | 'ip';
  /** The storage key, e.g. `key:ops` or `ip:203.0.113.9`. */
  key: string;
  limit: number;
}

/** The 429 body, the same from the guard and from the leaderboard fast path. */
export interface TooManyRequestsBody {
  statusCode: 429;
  error: 'Too Many Requests';
  message: string;
}

export interface RateLimitRefusal {
  retryAfterSeconds: number;
  body: TooManyRequestsBody;
}

type CountedRequest = Pick<IncomingMessage, 'socket'> & { headers: IncomingHttpHeaders };

/**
 * The request limits of every route: a request presenting a configured API key counts against
 * that key (RATE_LIMIT_KEY_PER_MINUTE), any other request (no key, an unknown one) against its
 * client IP (RATE_LIMIT_IP_PER_MINUTE); one count per tracker across all routes, in one-minute
 * windows. The throttler's guard applies it to Nest's routes (`throttlerOptions`), the
 * leaderboard fast path through `admit`, on the same storage, so both count the same requests.
 *
 * @example
 *   const limits = new RateLimits({ ipPerMinute: 1200, keyPerMinute: 6000, trustProxyHops: 0 }, ring);
 *   ThrottlerModule.forRoot(limits.throttlerOptions());
 *   limits.admit(req); // undefined, or the seconds to wait
 */
export class RateLimits {
  readonly storage = new FixedWindowStorage();

  constructor(
    readonly settings: RateLimitSettings,
    private readonly ring: ApiKeyRing,
  ) {}

  trackerOf(req: CountedRequest): RateTracker {
    const caller = callerOf(req, this.ring);
    if (caller.kind === 'key') return { kind: 'key', key: `key:${caller.identity.id}`, limit: this.settings.keyPerMinute };
    return this.ipTracker(req);
  }

  /**
   * Counts a request the fast path answers itself (one without a key header: a keyed request
   * goes through Nest). Undefined when admitted, else the refusal to send.
   */
  admit(req: CountedRequest): RateLimitRefusal | undefined {
    const tracker = this.ipTracker(req);
    if (tracker.limit === 0) return undefined;
    const record = this.storage.hit(tracker.key, RATE_LIMIT_WINDOW_MS, tracker.limit, 0);
    if (!record.isBlocked) return undefined;
    return { retryAfterSeconds: record.timeToBlockExpire, body: this.tooManyRequests(tracker, record.timeToBlockExpire) };
  }

  tooManyRequests(tracker: Pick<RateTracker, 'kind' | 'limit'>, retryAfterSeconds: number): TooManyRequestsBody {
    const per = tracker.kind === 'key' ? 'API key' : 'IP address';
    return {
      statusCode: 429,
      error: 'Too Many Requests',
      message: `more than ${tracker.limit} requests a minute from this ${per}; retry in ${retryAfterSeconds} s`,
    };
  }

  /** @nestjs/throttler's options: one throttler whose tracker, limit and key are this policy's. */
  throttlerOptions(): ThrottlerModuleOptions {
    const tracker = (context: ExecutionContext) => this.trackerOf(context.switchToHttp().getRequest<CountedRequest>());
    return {
      throttlers: [{ name: 'default', ttl: RATE_LIMIT_WINDOW_MS, limit: (context) => tracker(context).limit, blockDuration: 0 }],
      storage: this.storage,
      skipIf: (context) => context.getType() !== 'http' || tracker(context).limit === 0,
      getTracker: (req) => this.trackerOf(req as CountedRequest).key,
      // One count per tracker across routes (the library's default counts each route apart).
      generateKey: (_context, trackerKey) => trackerKey,
      // Retry-After is set on a refusal (RateLimitGuard); no X-RateLimit-* headers, so the fast
      // path and the controllers answer with the same headers.
      setHeaders: false,
    };
  }

  private ipTracker(req: CountedRequest): RateTracker {
    return { kind: 'ip', key: `ip:${clientAddress(req, this.settings.trustProxyHops)}`, limit: this.settings.ipPerMinute };
  }
}
