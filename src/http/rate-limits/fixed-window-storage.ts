import type { ThrottlerStorage } from '@nestjs/throttler';

/** What the throttler's guard reads back from its storage (the library does not export the type by name). */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface RateWindow {
  /** When the window's count starts again from zero (ms since the epoch). */
  endsAt: number;
  hits: number;
  /** Refused until then (ms since the epoch); 0 when not refused. */
  blockedUntil: number;
}

/**
 * The throttler's storage: a fixed window per tracker (a count and the time it resets), so a
 * request costs one Map lookup whatever the limit. The library's default storage keeps one
 * timestamp per hit and filters them on every request: measured 12 us a request at a limit of
 * 1,200 a minute, 700 us at 20,000 hits in the window, which the leaderboard fast path (about
 * 30 us a request in all) cannot carry. The price of a fixed window: a client may send up to
 * twice the limit across a window boundary.
 *
 * A request past the limit is refused until the window ends (or for `blockDuration` when that is
 * set), and refused requests do not count. Idle windows are dropped once a window length.
 *
 * @example
 *   const storage = new FixedWindowStorage();
 *   storage.hit('ip:10.0.0.1', 60_000, 2, 0); // { totalHits: 1, isBlocked: false, ... }
 */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, RateWindow>();
  private nextSweepAt = 0;

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    return Promise.resolve(this.hit(key, ttl, limit, blockDuration));
  }

  /** Counts one request of `key` (synchronously: the fast path calls this). Times in ms, answers in seconds. */
  hit(key: string, ttl: number, limit: number, blockDuration: number, now = Date.now()): ThrottlerStorageRecord {
    if (now >= this.nextSweepAt) this.sweep(now, ttl);
    let window = this.windows.get(key);
    if (window === undefined || hasLapsed(window, now)) {
      window = { endsAt: now + ttl, hits: 0, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    if (window.blockedUntil === 0) {
      if (window.hits < limit) {
        window.hits += 1;
        return { totalHits: window.hits, timeToExpire: seconds(window.endsAt - now), isBlocked: false, timeToBlockExpire: 0 };
      }
      window.blockedUntil = blockDuration > 0 ? now + blockDuration : window.endsAt;
    }
    return { totalHits: window.hits + 1, timeToExpire: seconds(window.endsAt - now), isBlocked: true, timeToBlockExpire: seconds(window.blockedUntil - now) };
  }

  /** Trackers currently counted (for tests and the curious). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number, ttl: number): void {
    for (const [key, window] of this.windows) if (hasLapsed(window, now)) this.windows.delete(key);
    this.nextSweepAt = now + ttl;
  }
}

/** A window is over when its time is up, or when the refusal that outlived it is. */
function hasLapsed(window: RateWindow, now: number): boolean {
  return window.blockedUntil === 0 ? now >= window.endsAt : now >= window.blockedUntil;
}

/** Whole seconds, rounded up, at least 1 (a Retry-After of 0 invites an immediate retry). */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
