import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { run } from '../../src/cli/prices/prices.command';
import type { CommandIo } from '../../src/cli/command-io';
import { FeedRecordRepository } from '../../src/data-source/feed-record.repository';
import { PRICE_DOWNLOAD_PAGE_ROWS } from '../../src/report/prices/price-download.dto';
import { freePort } from '../support/app-process';
import { describeEachEngine } from '../support/test-database';
import { demoCompetition, ReportTestApp, startReportApp } from '../report/support/report-test-app';

const competition = demoCompetition();
const SERIES = { source: competition.feed.adapter, kind: 'price', granularity: `${competition.feed.granularity}s` };
const T0 = Date.UTC(2026, 0, 1);
const ROWS = PRICE_DOWNLOAD_PAGE_ROWS + 10;
const iso = (ms: number) => new Date(ms).toISOString();
const price = (i: number) => 60_000 + i / 3;

function captureIo(cwd: string): CommandIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, env: {} as Record<string, string>, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describeEachEngine('coordinator-node prices', (db) => {
  let t: ReportTestApp;
  let dir: string;

  beforeAll(async () => {
    const ds = db().dataSource;
    await ds.query('TRUNCATE feed_records');
    await new FeedRecordRepository(ds).insert(SERIES, Array.from({ length: ROWS }, (_, i) => ({ subject: 'BTC', ts: T0 + i * 5_000, values: { price: price(i) } })));
    t = await startReportApp(ds, { competition });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-prices-'));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('downloads a range of several pages from a running node into a CSV file and says how many rows it wrote', async () => {
    const io = captureIo(dir);
    const code = await run(['--url', t.url, '--subject', 'BTC', '--from', iso(T0), '--to', iso(T0 + ROWS * 5_000), '--out', 'btc.csv'], io);
    expect([code, io.err]).toEqual([0, '']);
    expect(io.out).toBe(`wrote ${ROWS} rows of BTC to ${path.join(dir, 'btc.csv')}\n`);
    const lines = fs.readFileSync(path.join(dir, 'btc.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines[0]).toBe('subject,ts,price');
    expect(lines[ROWS]).toBe(`BTC,${(T0 + (ROWS - 1) * 5_000) / 1000},${price(ROWS - 1)}`);
    expect(fs.existsSync(path.join(dir, 'btc.csv.part'))).toBe(false);
  });

  it('downloads Parquet with --format parquet', async () => {
    const io = captureIo(dir);
    const out = path.join(dir, 'btc.parquet');
    expect(await run(['--url', `${t.url}/`, '--subject', 'BTC', '--from', iso(T0), '--to', iso(T0 + 99 * 5_000), '--format', 'parquet', '--out', out], io)).toBe(0);
    const bytes = fs.readFileSync(out);
    const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as Array<{ price: number }>;
    expect(rows.map((r) => r.price)).toEqual(Array.from({ length: 100 }, (_, i) => price(i)));
  });

  it.each([
    ['from after to', ['--from', iso(T0 + 1000), '--to', iso(T0)], '--from must not be after --to'],
    ['a bad format', ['--from', iso(T0), '--to', iso(T0 + 1000), '--format', 'xlsx'], '--format must be csv or parquet, got "xlsx"'],
    ['a date that is not one', ['--from', 'yesterday', '--to', iso(T0)], '--from must be an ISO-8601 datetime such as 2026-01-01T00:00:00Z, got "yesterday"'],
    ['an unknown flag', ['--from', iso(T0), '--to', iso(T0), '--since', 'x'], "Unknown option '--since' (see --help)"],
  ])('refuses %s with one line and exit code 2, before asking the node', async (_case, flags, message) => {
    const io = captureIo(dir);
    expect(await run(['--url', t.url, '--subject', 'BTC', '--out', 'x.csv', ...flags], io)).toBe(2);
    expect(io.err).toBe(`coordinator-node prices: ${message}\n`);
    expect(fs.existsSync(path.join(dir, 'x.csv'))).toBe(false);
  });

  it("passes on the node's refusal in one line with exit code 1 and writes no file", async () => {
    const io = captureIo(dir);
    expect(await run(['--url', t.url, '--subject', 'DOGE', '--from', iso(T0), '--to', iso(T0 + 1000), '--out', 'doge.csv'], io)).toBe(1);
    expect(io.err).toBe(`coordinator-node prices: ${t.url} answered 404: unknown subject "DOGE" (this competition's feed provides BTC, ETH, SOL, XAU)\n`);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('doge'))).toEqual([]);
  });

  it('says in one line, exit code 1, when no node answers', async () => {
    const io = captureIo(dir);
    const port = await freePort(); // nothing listens there
    expect(await run(['--url', `http://127.0.0.1:${port}`, '--subject', 'BTC', '--from', iso(T0), '--to', iso(T0), '--out', 'none.csv'], io)).toBe(1);
    expect(io.err).toMatch(/^coordinator-node prices: could not download from http:\/\/127\.0\.0\.1:\d+: fetch failed \(ECONNREFUSED\)\n$/);
  });
});
