import { Env, readInt } from '../../config/env';

/** The request limits, each per minute; 0 switches that limit off. */
export interface RateLimitSettings {
  /** Requests without a configured key, counted per client IP (IPv6 per /64). */
  ipPerMinute: number;
  /** Requests with a configured key, counted per key (whatever IP they come from). */
  keyPerMinute: number;
  /**
   * Reverse proxies in front of the coordinator whose X-Forwarded-For is trusted (0: none, the
   * client IP is the connection's). Behind one nginx: 1.
   */
  trustProxyHops: number;
}

/**
 * Defaults an organiser can live with: the built-in page makes about 25 requests a minute (six
 * every 15 s), a dashboard polling six routes every 2 s 180, so 1,200 a minute lets a room of
 * viewers behind one address watch; scripts with a key get 6,000.
 */
export function readRateLimitSettings(env: Env): RateLimitSettings {
  return {
    ipPerMinute: readInt(env, 'RATE_LIMIT_IP_PER_MINUTE', { default: 1200, min: 0, max: 100_000_000 }),
    keyPerMinute: readInt(env, 'RATE_LIMIT_KEY_PER_MINUTE', { default: 6000, min: 0, max: 100_000_000 }),
    trustProxyHops: readInt(env, 'TRUST_PROXY_HOPS', { default: 0, min: 0, max: 16 }),
  };
}
