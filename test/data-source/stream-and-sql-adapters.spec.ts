import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { firstValueFrom, Observable, take, toArray } from 'rxjs';
import { Client } from 'pg';
import { WebSocketServer, WebSocket } from 'ws';
import { SqlFeedAdapter } from '../../src/data-source/adapters/sql.feed';
import { WebSocketFeedAdapter } from '../../src/data-source/adapters/websocket.feed';
import { FeedContext, feedPages, Feed, FeedRecord } from '../../src/data-source/feed';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const context = (source: string): FeedContext => ({ source, subjects: ['BTC', 'ETH'], granularitySeconds: 60, nowMs: () => T0 + 86_400_000 });

let warnings: string[];
beforeEach(() => {
  warnings = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('websocket feed', () => {
  let server: WebSocketServer;
  let url: string;
  const received: string[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
    server.on('connection', (socket) => socket.on('message', (m) => received.push(m.toString())));
  });
  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  const nextConnection = () => new Promise<WebSocket>((resolve) => server.once('connection', resolve));

  it('maps JSON messages through the configured paths, skips malformed ones, and reconnects', async () => {
    const feed = new WebSocketFeedAdapter().create(
      {
        url,
        subscribeMessage: { op: 'subscribe', args: ['BTCUSDT'] },
        subjectPath: 'data.s',
        tsPath: 'data.T',
        tsUnit: 's',
        valuePaths: { price: 'data.p' },
        subjectMap: { BTCUSDT: 'BTC' },
        reconnectSeconds: 0.05,
      },
      context('websocket'),
    );
    const connected = nextConnection();
    const records = firstValueFrom((feed.stream!(['BTC']) as Observable<FeedRecord>).pipe(take(3), toArray()));
    const first = await connected;
    await waitFor(() => received.length === 1);
    expect(JSON.parse(received[0])).toEqual({ op: 'subscribe', args: ['BTCUSDT'] });
    first.send(JSON.stringify({ data: { s: 'BTCUSDT', T: T0 / 1000, p: '87000.5' } }));
    first.send('{"data": {"s": "BTCUSDT", ');
    first.send(JSON.stringify({ data: { s: 'BTCUSDT', p: '1' } }));
    first.send(JSON.stringify({ data: { s: 'BTCUSDT', T: T0 / 1000 + 60, p: '87001' } }));
    const reconnected = nextConnection();
    first.terminate();
    const second = await reconnected;
    await waitFor(() => received.filter((m) => m.includes('subscribe')).length === 2);
    second.send(JSON.stringify([{ data: { s: 'ETHUSDT', T: T0 / 1000 + 120, p: 3000 } }]));
    expect(await records).toEqual([
      { subject: 'BTC', ts: T0, values: { price: 87000.5 } },
      { subject: 'BTC', ts: T0 + MIN, values: { price: 87001 } },
      { subject: 'ETHUSDT', ts: T0 + 2 * MIN, values: { price: 3000 } },
    ]);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('skipped message 2 from ws://127.0.0.1'),
        expect.stringContaining('skipped message 3 item 0: missing or non-numeric timestamp at "data.T"'),
      ]),
    );
    expect(received.filter((m) => m.includes('subscribe'))).toHaveLength(2);
  });

  it('requires a ws URL and value paths', () => {
    expect(() => new WebSocketFeedAdapter().create({ url: 'http://x', valuePaths: { p: 'p' } }, context('websocket'))).toThrow('feed.options.url: must use ws: or wss:');
    expect(() => new WebSocketFeedAdapter().create({ url }, context('websocket'))).toThrow('feed.options.valuePaths: is required');
  });
});

describe('sql feed', () => {
  let embedded: EmbeddedPostgres;

  beforeAll(async () => {
    embedded = await EmbeddedPostgres.start({});
    const client = new Client({ connectionString: embedded.url });
    await client.connect();
    await client.query(`CREATE SCHEMA market`);
    await client.query(`CREATE TABLE market.prices (asset text, time timestamptz, close double precision, volume double precision)`);
    await client.query(`CREATE TABLE ticks (t bigint, px numeric)`);
    const rows: string[] = [];
    for (let i = 0; i < 25; i++) rows.push(`('BTC', '${new Date(T0 + i * MIN).toISOString()}', ${100 + i}, 1)`);
    rows.push(`('ETH', '${new Date(T0).toISOString()}', 3000, 1)`, `('BTC', '${new Date(T0 + 30 * MIN).toISOString()}', NULL, 1)`);
    await client.query(`INSERT INTO market.prices VALUES ${rows.join(', ')}`);
    await client.query(`INSERT INTO ticks VALUES (${T0 / 1000}, 5.5), (${T0 / 1000 + 60}, 6.5)`);
    await client.end();
  }, 60_000);
  afterAll(async () => {
    await embedded.stop();
  });

  async function all(feed: Feed, subject: string, fromMs: number, toMs: number): Promise<{ records: FeedRecord[]; pages: number }> {
    const records: FeedRecord[] = [];
    let pages = 0;
    for await (const page of feedPages(feed.fetchRange(subject, fromMs, toMs))) {
      pages++;
      records.push(...page);
    }
    return { records, pages };
  }

  it('reads a table from the watermark with keyset pages', async () => {
    const feed = new SqlFeedAdapter().create(
      { connectionString: embedded.url, table: 'market.prices', subjectColumn: 'asset', tsColumn: 'time', valueColumns: ['close'], pageSize: 10 },
      context('sql'),
    );
    try {
      const { records, pages } = await all(feed, 'BTC', T0 + 2 * MIN, T0 + 40 * MIN);
      expect(pages).toBe(3);
      expect(records.map((r) => [r.ts, r.values.close])).toEqual(Array.from({ length: 23 }, (_, k) => [T0 + (k + 2) * MIN, 102 + k]));
      expect(warnings).toEqual([expect.stringContaining('skipped row 4 of market.prices for BTC: non-numeric close=null')]);
      expect(await feed.listSubjects()).toEqual(['BTC', 'ETH']);
    } finally {
      await feed.close!();
    }
  });

  it('reads epoch-second columns for a fixed subject, with the connection string from the environment', async () => {
    process.env.TEST_PRICES_DB = embedded.url;
    const feed = new SqlFeedAdapter().create(
      { connectionStringEnv: 'TEST_PRICES_DB', table: 'ticks', subject: 'BTC', tsColumn: 't', tsType: 'epoch_s', valueColumns: ['px'] },
      context('sql'),
    );
    try {
      expect((await all(feed, 'BTC', T0, T0 + MIN)).records).toEqual([
        { subject: 'BTC', ts: T0, values: { px: 5.5 } },
        { subject: 'BTC', ts: T0 + MIN, values: { px: 6.5 } },
      ]);
    } finally {
      await feed.close!();
    }
  });

  it('rejects unsafe identifiers and a missing environment variable', () => {
    expect(() => new SqlFeedAdapter().create({ connectionString: embedded.url, table: 'prices; drop table x', valueColumns: ['c'] }, context('sql'))).toThrow(
      'feed.options.table: must be a plain identifier',
    );
    expect(() => new SqlFeedAdapter().create({ connectionStringEnv: 'NOPE_NOT_SET', table: 't', valueColumns: ['c'] }, context('sql'))).toThrow(
      'feed.options.connectionStringEnv: environment variable NOPE_NOT_SET is not set',
    );
  });
});
