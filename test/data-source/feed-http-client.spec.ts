import { Logger } from '@nestjs/common';
import { FeedHttpClient } from '../../src/data-source/http/feed-http-client';
import { redactedUrl } from '../../src/data-source/http/redacted-url';
import { retryAfterMs } from '../../src/data-source/http/retry-after';
import { numericValue, scaledInteger } from '../../src/data-source/numeric-value';

function scripted(responses: Array<Response | Error>): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      const next = responses.shift();
      if (!next) throw new Error('no more responses');
      if (next instanceof Error) throw next;
      return next;
    }) as typeof fetch,
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('FeedHttpClient', () => {
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('backs off exponentially with jitter between retries, then succeeds', async () => {
    const waits: number[] = [];
    const { fetch } = scripted([new TypeError('fetch failed'), json({}, 502), json({}, 500), json({ ok: 1 })]);
    const http = new FeedHttpClient('x', { attempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 }, { fetch, sleep: async (ms) => void waits.push(ms), random: () => 1 });
    expect(await http.getJson('http://127.0.0.1/p')).toEqual({ ok: 1 });
    expect(waits).toEqual([100, 200, 400]);
    const jittered: number[] = [];
    const again = scripted([json({}, 503), json({ ok: 1 })]);
    await new FeedHttpClient('x', { baseDelayMs: 100 }, { fetch: again.fetch, sleep: async (ms) => void jittered.push(ms), random: () => 0 }).getJson('http://127.0.0.1/p');
    expect(jittered).toEqual([50]);
  });

  it('waits what Retry-After says on 429 and 503, in seconds or as a date, capped', async () => {
    const waits: number[] = [];
    const now = Date.UTC(2026, 0, 1);
    const { fetch } = scripted([
      json({}, 429, { 'retry-after': '3' }),
      json({}, 503, { 'retry-after': new Date(now + 7000).toUTCString() }),
      json({}, 429, { 'retry-after': '3600' }),
      json([1]),
    ]);
    const http = new FeedHttpClient('x', { attempts: 5, maxRetryAfterMs: 60_000 }, { fetch, sleep: async (ms) => void waits.push(ms), wallNowMs: () => now });
    expect(await http.getJson('http://127.0.0.1/p')).toEqual([1]);
    expect(waits).toEqual([3000, 7000, 60_000]);
  });

  it('does not retry a 404 and stops after the bounded attempts otherwise', async () => {
    const notFound = scripted([json({ error: 'no' }, 404)]);
    await expect(new FeedHttpClient('x', {}, { fetch: notFound.fetch, sleep: async () => undefined }).getJson('http://127.0.0.1/p')).rejects.toThrow('HTTP 404');
    expect(notFound.calls).toHaveLength(1);
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const slow = scripted([timeout, timeout, timeout]);
    await expect(
      new FeedHttpClient('x', { attempts: 3, timeoutMs: 250 }, { fetch: slow.fetch, sleep: async () => undefined }).getJson('http://127.0.0.1/p'),
    ).rejects.toThrow('[feed x] timed out after 250 ms; gave up after 3 attempts (GET http://127.0.0.1/p)');
  });

  it('keeps secrets out of errors and logs', async () => {
    const { fetch } = scripted([json({}, 500), json({}, 401)]);
    const failure = new FeedHttpClient('x', {}, { fetch, sleep: async () => undefined }).getJson('http://127.0.0.1/p?asset=BTC&api_key=s3cr3t&token=t0k');
    await expect(failure).rejects.toThrow('GET http://127.0.0.1/p?asset=BTC&api_key=***&token=***');
    await failure.catch(() => undefined);
    expect(warnings.join('\n')).not.toContain('s3cr3t');
    expect(warnings.join('\n')).toContain('api_key=***');
  });

  it('times out a hanging server through AbortSignal', async () => {
    const http = await import('node:http');
    const server = http.createServer(() => undefined); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const client = new FeedHttpClient('x', { attempts: 1, timeoutMs: 100 });
      await expect(client.getJson(`http://127.0.0.1:${port}/`)).rejects.toThrow('timed out after 100 ms');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('provider numbers', () => {
  it('reads Retry-After forms', () => {
    expect(retryAfterMs('2', 0)).toBe(2000);
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect(retryAfterMs(new Date(1000).toUTCString(), 5000)).toBe(0);
  });

  it('redacts user info and secret query parameters', () => {
    expect(redactedUrl('https://u:p@h/x?secret=1&a=2&apiKey=3')).toBe('https://***@h/x?secret=***&a=2&apiKey=***');
  });

  it('reads numeric strings strictly and places Pyth exponents exactly', () => {
    expect(numericValue('87012.50')).toBe(87012.5);
    expect(numericValue('1e3')).toBe(1000);
    expect(numericValue('12abc')).toBeNaN();
    expect(numericValue(null)).toBeNaN();
    expect(scaledInteger('8701250000000', -8)).toBe(87012.5);
    expect(scaledInteger('-5', -3)).toBe(-0.005);
    expect(scaledInteger('12', 2)).toBe(1200);
    expect(scaledInteger('1.5', -1)).toBeNaN();
    expect(scaledInteger('100', 'x')).toBeNaN();
  });
});
