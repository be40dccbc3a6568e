import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { CsvFeedAdapter, splitCsvLine } from '../../src/data-source/adapters/csv.feed';
import { ParquetFeedAdapter } from '../../src/data-source/adapters/parquet.feed';
import { FeedContext, feedPages, Feed, FeedRecord } from '../../src/data-source/feed';

const T0 = Date.UTC(2026, 0, 1);
const T0S = T0 / 1000;
const MIN = 60_000;
const PARQUET_FIXTURES = path.join(__dirname, '../fixtures/feeds/parquet');

const context = (source: string): FeedContext => ({ source, subjects: ['BTC', 'ETH'], granularitySeconds: 60, nowMs: () => T0 + 86_400_000 * 3 });

async function read(feed: Feed, subject: string, fromMs = 0, toMs = T0 + 86_400_000 * 3): Promise<FeedRecord[]> {
  const out: FeedRecord[] = [];
  for await (const page of feedPages(feed.fetchRange(subject, fromMs, toMs))) out.push(...page);
  return out;
}

let dir: string;
let warnings: string[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'feed-files-'));
  warnings = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('csv feed', () => {
  it('reads a file with a header into records of the wanted subject, sorted by time', async () => {
    const file = path.join(dir, 'prices.csv');
    fs.writeFileSync(file, `subject,ts,close\nBTC,${T0S + 60},101\nETH,${T0S},3000\nBTC,${T0S},100\n`);
    const feed = new CsvFeedAdapter().create({ path: file }, context('csv'));
    expect(await read(feed, 'BTC')).toEqual([
      { subject: 'BTC', ts: T0, values: { close: 100 } },
      { subject: 'BTC', ts: T0 + MIN, values: { close: 101 } },
    ]);
    expect(await feed.listSubjects()).toEqual(['BTC', 'ETH']);
  });

  it('picks up new files dropped into the folder', async () => {
    fs.writeFileSync(path.join(dir, 'a.csv'), `ts,close\n${T0S},100\n`);
    const feed = new CsvFeedAdapter().create({ path: dir, subject: 'BTC' }, context('csv'));
    expect(await read(feed, 'BTC')).toHaveLength(1);
    fs.writeFileSync(path.join(dir, 'b.csv'), `ts,close\n${T0S + 60},101\n${T0S + 120},102\n`);
    fs.writeFileSync(path.join(dir, 'notes.txt'), `not a price file`);
    expect((await read(feed, 'BTC')).map((r) => r.values.close)).toEqual([100, 101, 102]);
  });

  it('skips truncated and unreadable lines with the file and line number, keeping the rest', async () => {
    const file = path.join(dir, 'prices.csv');
    fs.writeFileSync(file, `subject,ts,close\nBTC,${T0S},100\nBTC,${T0S + 60}\nBTC,${T0S + 120},abc\nBTC,not-a-time,5\nBTC,${T0S + 180},103\nBTC,${T0S + 240},10`);
    const feed = new CsvFeedAdapter().create({ path: file }, context('csv'));
    expect((await read(feed, 'BTC')).map((r) => r.values.close)).toEqual([100, 103]);
    expect(warnings).toEqual([
      'source csv: skipped prices.csv line 3: 2 fields, the header has 3 (truncated line?)',
      'source csv: skipped prices.csv line 4: non-numeric close="abc"',
      'source csv: skipped prices.csv line 5: unreadable timestamp "not-a-time" in column "ts"',
      'source csv: skipped prices.csv line 7: no line end yet (file still being written?); read again when the file changes',
    ]);
    // The writer finishes the line: the file is read again and the record appears.
    fs.appendFileSync(file, '4.5\n');
    expect((await read(feed, 'BTC')).map((r) => r.values.close)).toEqual([100, 103, 104.5]);
  });

  it('maps configured columns and ISO timestamps', async () => {
    const file = path.join(dir, 'prices.csv');
    fs.writeFileSync(file, `time;asset;price;note\n2026-01-01T00:00:00Z;ETH;"3,001.5";x\n`);
    const feed = new CsvFeedAdapter().create(
      { path: file, delimiter: ';', tsColumn: 'time', subjectColumn: 'asset', valueColumns: ['price'], tsUnit: 'iso' },
      context('csv'),
    );
    // "3,001.5" is not a number: skipped rather than read as 3.
    expect(await read(feed, 'ETH')).toEqual([]);
    fs.writeFileSync(file, `time;asset;price;note\n2026-01-01T00:00:00Z;ETH;3001.5;x\n`);
    expect(await read(feed, 'ETH')).toEqual([{ subject: 'ETH', ts: T0, values: { price: 3001.5 } }]);
  });

  it('fails a file whose header lacks a configured column, naming it', async () => {
    fs.writeFileSync(path.join(dir, 'prices.csv'), `subject,time,close\nBTC,${T0S},1\n`);
    const feed = new CsvFeedAdapter().create({ path: dir }, context('csv'));
    expect(await read(feed, 'BTC')).toEqual([]);
    expect(warnings[0]).toMatch(/skipped file .*prices.csv: header lacks column\(s\) ts \(has subject, time, close\)/);
  });

  it('reports a missing path clearly', async () => {
    const feed = new CsvFeedAdapter().create({ path: path.join(dir, 'nope') }, context('csv'));
    await expect(read(feed, 'BTC')).rejects.toThrow(/\[feed csv\] cannot read .*nope: ENOENT/);
    expect(() => new CsvFeedAdapter().create({}, context('csv'))).toThrow('feed.options.path: is required');
  });

  it('splits quoted fields', () => {
    expect(splitCsvLine('a,"b, c","say ""hi""",', ',')).toEqual(['a', 'b, c', 'say "hi"', '']);
  });
});

describe('parquet feed', () => {
  it('reads TIMESTAMP and INT64-seconds files, skipping null values with the row number', async () => {
    fs.copyFileSync(path.join(PARQUET_FIXTURES, 'prices-2026-01-01.parquet'), path.join(dir, 'prices-2026-01-01.parquet'));
    const feed = new ParquetFeedAdapter().create({ path: dir }, context('parquet'));
    expect(await read(feed, 'BTC')).toEqual([
      { subject: 'BTC', ts: T0, values: { close: 87000.5 } },
      { subject: 'BTC', ts: T0 + MIN, values: { close: 87010.25 } },
    ]);
    expect(warnings).toContain('source parquet: skipped prices-2026-01-01.parquet row 3: non-numeric close=null');

    fs.copyFileSync(path.join(PARQUET_FIXTURES, 'prices-2026-01-02.parquet'), path.join(dir, 'prices-2026-01-02.parquet'));
    expect((await read(feed, 'ETH')).map((r) => [r.ts, r.values.close])).toEqual([
      [T0, 2950.75],
      [T0 + MIN, 2951],
      [T0 + 1440 * MIN, 3000],
    ]);
  });

  it('reads a single file and leaves a corrupt one aside with a warning', async () => {
    fs.writeFileSync(path.join(dir, 'broken.parquet'), 'PAR1 not really');
    fs.copyFileSync(path.join(PARQUET_FIXTURES, 'prices-2026-01-02.parquet'), path.join(dir, 'ok.parquet'));
    const feed = new ParquetFeedAdapter().create({ path: dir }, context('parquet'));
    expect(await read(feed, 'BTC')).toEqual([{ subject: 'BTC', ts: T0 + 1440 * MIN, values: { close: 88000 } }]);
    expect(warnings.some((w) => w.includes('skipped file') && w.includes('broken.parquet'))).toBe(true);
  });
});
