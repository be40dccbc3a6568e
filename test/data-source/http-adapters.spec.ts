import { BinanceFeedAdapter } from '../../src/data-source/adapters/binance.feed';
import { CRUNCHDAO_PRICE_API, CrunchdaoFeedAdapter } from '../../src/data-source/adapters/crunchdao.feed';
import { PythBenchmarksFeedAdapter } from '../../src/data-source/adapters/pyth-benchmarks.feed';
import { PythHermesFeedAdapter } from '../../src/data-source/adapters/pyth-hermes.feed';
import { Feed, FeedContext, feedPages, FeedRecord } from '../../src/data-source/feed';
import { FeedHttpError, FeedOptionError, FeedPayloadError } from '../../src/data-source/feed.errors';
import { PriceProvidersFixture } from '../fixtures/feeds/price-providers.fixture';

const T0S = Date.UTC(2026, 0, 1) / 1000;
const HOUR_S = 3600;
const BTC_ID = 'e62df6c8b4a85fe1a67db44dc12de5db330f7ac66b72dc658afedf0f4a415b43';

let fx: PriceProvidersFixture;

beforeAll(async () => {
  fx = await PriceProvidersFixture.start();
});
afterAll(async () => {
  await fx.stop();
});
beforeEach(() => fx.reset());

function context(source: string, nowMs = (T0S + 10 * 86_400) * 1000): FeedContext {
  return { source, subjects: ['BTC'], granularitySeconds: 60, nowMs: () => nowMs };
}

async function all(feed: Feed, subject: string, fromS: number, toS: number): Promise<{ records: FeedRecord[]; pages: number }> {
  const records: FeedRecord[] = [];
  let pages = 0;
  for await (const page of feedPages(feed.fetchRange(subject, fromS * 1000, toS * 1000))) {
    pages++;
    records.push(...page);
  }
  return { records, pages };
}

/** Fast retries for tests: the waits are real timers, just short. */
const quick = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe('crunchdao feed', () => {
  const make = (options: Record<string, unknown> = {}) =>
    new CrunchdaoFeedAdapter().create({ baseUrl: fx.baseUrl, ...quick, ...options }, context('crunchdao'));

  it('reads the parallel timestamp/close arrays, one request per page of the range', async () => {
    fx.setMinutePrices('BTC', T0S, T0S + 2 * HOUR_S, (s) => 100 + (s - T0S) / 60);
    const { records } = await all(make({ pageSeconds: HOUR_S }), 'BTC', T0S, T0S + 2 * HOUR_S - 60);
    expect(records).toHaveLength(120);
    expect(records[0]).toEqual({ subject: 'BTC', ts: T0S * 1000, values: { close: 100 } });
    expect(records[119]).toEqual({ subject: 'BTC', ts: (T0S + 119 * 60) * 1000, values: { close: 219 } });
    expect(fx.requests).toEqual([
      `/v1/prices?asset=BTC&from=${T0S}&to=${T0S + HOUR_S - 1}&resolution=minute`,
      `/v1/prices?asset=BTC&from=${T0S + HOUR_S}&to=${T0S + 2 * HOUR_S - 60}&resolution=minute`,
    ]);
  });

  it('maps subjects to provider assets', async () => {
    fx.setMinutePrices('XBT', T0S, T0S + 60, () => 5);
    const feed = new CrunchdaoFeedAdapter().create({ baseUrl: fx.baseUrl, assets: { BTC: 'XBT' } }, context('crunchdao'));
    expect((await all(feed, 'BTC', T0S, T0S + 60)).records).toHaveLength(2);
  });

  it('retries a 503 that says Retry-After, then reads the page', async () => {
    fx.setMinutePrices('BTC', T0S, T0S + 120, () => 7);
    fx.failNext(2, { status: 503, body: '{"error":"busy"}', headers: { 'retry-after': '0' } });
    expect((await all(make(), 'BTC', T0S, T0S + 120)).records).toHaveLength(3);
    expect(fx.requests).toHaveLength(3);
  });

  it('gives up after the configured attempts with the status and URL', async () => {
    fx.failNext(3, { status: 500, body: 'boom' });
    await expect(all(make(), 'BTC', T0S, T0S + 60)).rejects.toThrow(
      new RegExp(`\\[feed crunchdao\\] HTTP 500: boom; gave up after 3 attempts \\(GET ${fx.baseUrl}/v1/prices\\?asset=BTC`),
    );
    expect(fx.requests).toHaveLength(3);
  });

  it('reports an HTML error page as such, naming the source and URL', async () => {
    const page = '<html><head><title>Attention Required! | Cloudflare</title></head></html>';
    fx.failNext(1, { status: 200, body: page, headers: { 'content-type': 'text/html' } });
    const failure = await all(make(), 'BTC', T0S, T0S + 60).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(FeedPayloadError);
    expect((failure as Error).message).toBe(
      `[feed crunchdao] expected JSON, got an HTML page: HTML page "Attention Required! | Cloudflare" (GET ${fx.baseUrl}/v1/prices?asset=BTC&from=${T0S}&to=${T0S + 60}&resolution=minute)`,
    );
    expect(fx.requests).toHaveLength(1);
  });

  it('reports malformed JSON with a snippet of the body', async () => {
    fx.sendRawOnce('/v1/prices', '{"timestamp":[1,2],"close":[1,');
    await expect(all(make(), 'BTC', T0S, T0S + 60)).rejects.toThrow(/malformed JSON .*"\{\\"timestamp\\":\[1,2\],\\"close\\":\[1,"/);
  });

  it('rejects a payload of the wrong shape', async () => {
    fx.sendRawOnce('/v1/prices', '{"prices":[]}');
    await expect(all(make(), 'BTC', T0S, T0S + 60)).rejects.toThrow('expected {"timestamp": [...], "close": [...]}');
  });

  it('turns unreadable entries into invalid numbers for the validator to skip', async () => {
    fx.sendRawOnce('/v1/prices', JSON.stringify({ timestamp: [T0S, T0S + 60, T0S + 120], close: [1.5, null, 'abc'] }));
    const { records } = await all(make(), 'BTC', T0S, T0S + 120);
    expect(records.map((r) => r.values.close)).toEqual([1.5, NaN, NaN]);
  });

  it('names a bad option', () => {
    expect(() => new CrunchdaoFeedAdapter().create({ baseUrl: 'ftp://prices' }, context('crunchdao'))).toThrow(new FeedOptionError('crunchdao', 'baseUrl', 'must use http: or https:'));
    expect(() => new CrunchdaoFeedAdapter().create({ baseUrl: fx.baseUrl, pageSecs: 5 }, context('crunchdao'))).toThrow(/feed.options.pageSecs: is not an option/);
  });

  it('reads the public CrunchDAO price API when no baseUrl is given (fetch stubbed: no network)', async () => {
    const fetched: string[] = [];
    const stub = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      fetched.push(String(input));
      return new Response(JSON.stringify({ timestamp: [T0S], close: [42] }), { headers: { 'content-type': 'application/json' } });
    });
    try {
      const { records } = await all(new CrunchdaoFeedAdapter().create({}, context('crunchdao')), 'BTC', T0S, T0S + 60);
      expect(records).toEqual([{ subject: 'BTC', ts: T0S * 1000, values: { close: 42 } }]);
      expect(fetched).toEqual([`${CRUNCHDAO_PRICE_API}/v1/prices?asset=BTC&from=${T0S}&to=${T0S + 60}&resolution=minute`]);
      expect(CRUNCHDAO_PRICE_API).toBe('https://pricedb.crunchdao.com');
    } finally {
      stub.mockRestore();
    }
  });
});

describe('pyth feed (benchmarks TradingView shim)', () => {
  const make = (options: Record<string, unknown> = {}) =>
    new PythBenchmarksFeedAdapter().create({ baseUrl: fx.baseUrl, ...quick, ...options }, context('pyth'));

  it('splits a range the shim refuses ("Too many datapoints") until every half is served', async () => {
    fx.pythMaxDatapoints = 500;
    fx.setMinutePrices('Crypto.BTC/USD', T0S, T0S + 86_400, (s) => 1000 + (s - T0S) / 60);
    const { records } = await all(make(), 'BTC', T0S, T0S + 86_400);
    expect(records).toHaveLength(1441);
    expect(records.map((r) => r.ts)).toEqual(Array.from({ length: 1441 }, (_, i) => (T0S + i * 60) * 1000));
    expect(records[1440].values).toEqual({ open: 2440, high: 2440 * 1.001, low: 2440 * 0.999, close: 2440, volume: 0 });
    expect(fx.requests.length).toBeGreaterThan(3);
  });

  it('reads "no_data" as an empty range', async () => {
    fx.setMinutePrices('Crypto.BTC/USD', T0S, T0S, () => 1);
    expect((await all(make(), 'BTC', T0S + 600, T0S + 1200)).records).toEqual([]);
  });

  it('fails with the provider message on other errors', async () => {
    await expect(all(make({ symbols: { BTC: 'Crypto.NOPE/USD' } }), 'BTC', T0S, T0S + 60)).rejects.toThrow('provider error: Symbol not found: Crypto.NOPE/USD');
  });

  it('validates the resolution option', () => {
    expect(() => make({ resolution: '3' })).toThrow(/feed.options.resolution: must be one of/);
  });
});

describe('pyth-hermes feed (latest prices)', () => {
  const make = (options: Record<string, unknown> = {}, nowMs?: number) =>
    new PythHermesFeedAdapter().create({ baseUrl: fx.baseUrl, ids: { BTC: `0x${BTC_ID}` }, ...quick, ...options }, context('pyth-hermes', nowMs));

  it('reads the v2 parsed[] shape: value = int(price) * 10^expo', async () => {
    fx.hermes.set(BTC_ID, { price: '8701250000000', conf: '4211000000', expo: -8, publishTime: T0S + 30 });
    const { records } = await all(make(), 'BTC', T0S, T0S + 60);
    expect(records).toEqual([{ subject: 'BTC', ts: (T0S + 30) * 1000, values: { price: 87012.5, conf: 42.11, emaPrice: 87012.5 } }]);
    expect(fx.requests[0]).toBe(`/v2/updates/price/latest?ids[]=${BTC_ID}&parsed=true`);
  });

  it('reads the v1 latest_price_feeds shape, exact beyond 2^53', async () => {
    fx.hermes.set(BTC_ID, { price: '123456789012345678901', conf: '1', expo: -10, publishTime: T0S });
    const { records } = await all(make({ api: 'v1' }), 'BTC', T0S, T0S + 60);
    expect(records[0].values.price).toBe(12345678901.234567);
    expect(fx.requests[0]).toBe(`/api/latest_price_feeds?ids[]=${BTC_ID}`);
  });

  it('keeps the latest price only when it falls in the asked range', async () => {
    fx.hermes.set(BTC_ID, { price: '100', conf: '1', expo: 0, publishTime: T0S - 600 });
    expect((await all(make(), 'BTC', T0S, T0S + 60)).records).toEqual([]);
  });

  it('requires a feed id per subject', () => {
    expect(() => new PythHermesFeedAdapter().create({ ids: {} }, context('pyth-hermes'))).toThrow(/feed.options.ids.BTC: is required/);
    expect(() => make({ ids: { BTC: 'xyz' } })).toThrow(/feed.options.ids.BTC: must be a 32-byte hex feed id/);
  });
});

describe('binance feed (klines)', () => {
  const make = (options: Record<string, unknown> = {}, nowMs?: number) =>
    new BinanceFeedAdapter().create({ baseUrl: fx.baseUrl, ...quick, ...options }, context('binance', nowMs));

  it('pages by 1000 klines and parses string prices', async () => {
    fx.setMinutePrices('BTCUSDT', T0S, T0S + 2499 * 60, (s) => 50_000 + (s - T0S) / 60 / 4);
    const { records, pages } = await all(make(), 'BTC', T0S, T0S + 2499 * 60);
    expect(pages).toBe(3);
    expect(records).toHaveLength(2500);
    expect(new Set(records.map((r) => r.ts)).size).toBe(2500);
    expect(records[2499]).toEqual({
      subject: 'BTC',
      ts: (T0S + 2499 * 60) * 1000,
      values: { open: 50624.75, high: Number((50624.75 * 1.001).toFixed(2)), low: Number((50624.75 * 0.999).toFixed(2)), close: 50624.75, volume: 12.5 },
    });
    expect(fx.requests[1]).toContain(`startTime=${(T0S + 999 * 60) * 1000 + 1}`);
  });

  it('leaves the kline that is still open for the next poll', async () => {
    fx.setMinutePrices('BTCUSDT', T0S, T0S + 300, () => 1);
    const { records } = await all(make({}, (T0S + 300) * 1000 + 10_000), 'BTC', T0S, T0S + 300);
    expect(records.map((r) => r.ts / 1000)).toEqual([T0S, T0S + 60, T0S + 120, T0S + 180, T0S + 240]);
  });

  it('does not retry a client error and shows the provider message', async () => {
    const failure = all(make({ symbols: { BTC: 'NOPEUSDT' } }), 'BTC', T0S, T0S + 60);
    await expect(failure).rejects.toBeInstanceOf(FeedHttpError);
    await expect(all(make({ symbols: { BTC: 'NOPEUSDT' } }), 'BTC', T0S, T0S + 60)).rejects.toThrow('HTTP 400: {"code":-1121,"msg":"Invalid symbol."}');
    expect(fx.requests).toHaveLength(2);
  });

  it('refuses a page size above the provider limit', () => {
    expect(() => make({ limit: 5000 })).toThrow(/feed.options.limit: must be <= 1000/);
  });
});
