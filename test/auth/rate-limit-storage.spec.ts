import type { IncomingMessage } from 'node:http';
import { clientAddress } from '../../src/http/rate-limits/client-address';
import { FixedWindowStorage } from '../../src/http/rate-limits/fixed-window-storage';
import { readRateLimitSettings } from '../../src/http/rate-limits/rate-limit-settings';
import { ConfigError } from '../../src/config/config-error';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;

describe('FixedWindowStorage', () => {
  it('admits `limit` requests in a window, refuses the next until the window ends, then counts from zero', () => {
    const storage = new FixedWindowStorage();
    expect([1, 2, 3].map((i) => storage.hit('ip:a', MINUTE, 3, 0, T0 + i).isBlocked)).toEqual([false, false, false]);
    const refused = storage.hit('ip:a', MINUTE, 3, 0, T0 + 20_000);
    expect(refused).toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 41 });
    // Refused requests do not count, and the refusal lasts to the end of the window.
    expect(storage.hit('ip:a', MINUTE, 3, 0, T0 + 59_000)).toMatchObject({ isBlocked: true, timeToBlockExpire: 2 });
    expect(storage.hit('ip:a', MINUTE, 3, 0, T0 + MINUTE + 1)).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('counts each tracker apart', () => {
    const storage = new FixedWindowStorage();
    storage.hit('ip:a', MINUTE, 1, 0, T0);
    expect(storage.hit('ip:a', MINUTE, 1, 0, T0).isBlocked).toBe(true);
    expect(storage.hit('key:ops', MINUTE, 1, 0, T0).isBlocked).toBe(false);
  });

  it('refuses for blockDuration when one is set, then starts a new window', () => {
    const storage = new FixedWindowStorage();
    storage.hit('k', 1000, 1, 0, T0);
    expect(storage.hit('k', 1000, 1, 5000, T0 + 10)).toMatchObject({ isBlocked: true, timeToBlockExpire: 5 });
    expect(storage.hit('k', 1000, 1, 5000, T0 + 3000).isBlocked).toBe(true);
    expect(storage.hit('k', 1000, 1, 5000, T0 + 5011)).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('forgets idle trackers once a window has passed', () => {
    const storage = new FixedWindowStorage();
    for (let i = 0; i < 100; i++) storage.hit(`ip:${i}`, MINUTE, 10, 0, T0);
    expect(storage.size).toBe(100);
    storage.hit('ip:late', MINUTE, 10, 0, T0 + MINUTE + 1);
    expect(storage.size).toBe(1);
  });

  it('answers through the throttler storage interface too', async () => {
    const storage = new FixedWindowStorage();
    await expect(storage.increment('k', MINUTE, 1, 0)).resolves.toMatchObject({ isBlocked: false, totalHits: 1 });
    await expect(storage.increment('k', MINUTE, 1, 0)).resolves.toMatchObject({ isBlocked: true });
  });
});

describe('clientAddress', () => {
  const req = (peer: string, forwarded?: string) => ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

  it('is the connection peer unless proxies are trusted (a forged X-Forwarded-For changes nothing)', () => {
    expect(clientAddress(req('10.0.0.2', '6.6.6.6'), 0)).toBe('10.0.0.2');
    expect(clientAddress(req('::ffff:127.0.0.1'), 0)).toBe('127.0.0.1');
  });

  it('is the address the nearest trusted proxy saw', () => {
    expect(clientAddress(req('10.0.0.2', '6.6.6.6, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientAddress(req('10.0.0.2', '6.6.6.6, 203.0.113.9'), 2)).toBe('6.6.6.6');
    expect(clientAddress(req('10.0.0.2', '203.0.113.9'), 3)).toBe('203.0.113.9');
    expect(clientAddress(req('10.0.0.2'), 1)).toBe('10.0.0.2');
  });

  it('counts IPv6 clients per /64', () => {
    expect(clientAddress(req('2001:db8:1:2:aaaa::1'), 0)).toBe(clientAddress(req('2001:db8:1:2:bbbb::9'), 0));
  });
});

describe('rate limit settings', () => {
  it('default to limits a polling web page never reaches, with no proxy trusted', () => {
    expect(readRateLimitSettings({})).toEqual({ ipPerMinute: 1200, keyPerMinute: 6000, trustProxyHops: 0 });
    expect(readRateLimitSettings({ RATE_LIMIT_IP_PER_MINUTE: '0', RATE_LIMIT_KEY_PER_MINUTE: '10', TRUST_PROXY_HOPS: '1' })).toEqual({ ipPerMinute: 0, keyPerMinute: 10, trustProxyHops: 1 });
  });

  it('name the variable of a bad value', () => {
    expect(() => readRateLimitSettings({ RATE_LIMIT_IP_PER_MINUTE: 'lots' })).toThrow(new ConfigError('RATE_LIMIT_IP_PER_MINUTE', 'must be an integer, got "lots"'));
    expect(() => readRateLimitSettings({ RATE_LIMIT_KEY_PER_MINUTE: '-1' })).toThrow(ConfigError);
  });
});
