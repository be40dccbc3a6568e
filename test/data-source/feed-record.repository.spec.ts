import { FeedRecordRepository, FeedSeries } from '../../src/data-source/feed-record.repository';
import type { FeedRecord } from '../../src/data-source/feed';
import { describeEachEngine } from '../support/test-database';

const series: FeedSeries = { source: 'pyth', kind: 'price', granularity: '60s' };
const T0 = Date.UTC(2026, 0, 1);
const minute = (i: number) => T0 + i * 60_000;
const price = (subject: string, i: number, value = 100 + i): FeedRecord => ({ subject, ts: minute(i), values: { close: value } });

describeEachEngine('FeedRecordRepository', (db) => {
  let repo: FeedRecordRepository;

  beforeAll(() => {
    repo = new FeedRecordRepository(db().dataSource);
  });

  beforeEach(async () => {
    await db().dataSource.query('DELETE FROM feed_records');
  });

  it('stores records once and reports how many were new', async () => {
    expect(await repo.insert(series, [price('BTC', 0), price('BTC', 1)])).toBe(2);
    expect(await repo.insert(series, [price('BTC', 1, 999), price('BTC', 2)])).toBe(1);
    const stored = await repo.range(series, 'BTC', minute(0), minute(5));
    expect(stored.map((r) => [r.ts, r.values.close])).toEqual([
      [minute(0), 100],
      [minute(1), 101],
      [minute(2), 102],
    ]);
  });

  it('inserts batches larger than one statement can bind', async () => {
    const many = Array.from({ length: 25_000 }, (_, i) => price('ETH', i));
    expect(await repo.insert(series, many)).toBe(25_000);
    const [stat] = await repo.summaries(10);
    expect(stat.recordCount).toBe(25_000);
  });

  it('keeps series apart: same subject and ts under another source is another record', async () => {
    await repo.insert(series, [price('BTC', 0)]);
    expect(await repo.insert({ ...series, source: 'binance' }, [price('BTC', 0)])).toBe(1);
  });

  it('gives the newest stored ts per subject as the watermark', async () => {
    await repo.insert(series, [price('BTC', 3), price('BTC', 7), price('SOL', 2)]);
    const marks = await repo.watermarks(series);
    expect(Object.fromEntries(marks)).toEqual({ BTC: minute(7), SOL: minute(2) });
    expect((await repo.watermarks({ ...series, granularity: '1s' })).size).toBe(0);
  });

  it('reads a range inclusive of both ends, oldest first', async () => {
    await repo.insert(series, [price('BTC', 5), price('BTC', 1), price('BTC', 3), price('BTC', 9)]);
    const ts = (await repo.range(series, 'BTC', minute(1), minute(5))).map((r) => r.ts);
    expect(ts).toEqual([minute(1), minute(3), minute(5)]);
  });

  it('deletes records older than the retention cut-off only', async () => {
    await repo.insert(series, [price('BTC', 0), price('BTC', 1), price('BTC', 2)]);
    expect(await repo.deleteOlderThan(minute(2))).toBe(2);
    expect((await repo.range(series, 'BTC', 0, minute(10))).map((r) => r.ts)).toEqual([minute(2)]);
  });

  it('summarises each series for the feeds report, the watermark being the newest arrival', async () => {
    const before = Date.now();
    await repo.insert(series, [price('BTC', 0), price('BTC', 4), price('ETH', 2)]);
    const summaries = await repo.summaries(10);
    expect(summaries.map(({ watermarkTs, ...rest }) => rest)).toEqual([
      { source: 'pyth', subject: 'BTC', kind: 'price', granularity: '60s', recordCount: 2, oldestTs: new Date(minute(0)), newestTs: new Date(minute(4)) },
      { source: 'pyth', subject: 'ETH', kind: 'price', granularity: '60s', recordCount: 1, oldestTs: new Date(minute(2)), newestTs: new Date(minute(2)) },
    ]);
    for (const s of summaries) expect(s.watermarkTs!.getTime()).toBeGreaterThanOrEqual(before - 60_000);
    expect(await repo.summaries(1)).toHaveLength(1);
  });

  it('tails the latest records, listed oldest first, filtered by subject', async () => {
    await repo.insert(series, [price('BTC', 0), price('BTC', 1), price('BTC', 2), price('ETH', 3)]);
    const tail = await repo.latest({ subject: 'BTC' }, 2);
    expect(tail.map((r) => [r.subject, r.ts, r.values.close])).toEqual([
      ['BTC', new Date(minute(1)), 101],
      ['BTC', new Date(minute(2)), 102],
    ]);
    expect(tail[0].receivedAt).toBeInstanceOf(Date);
  });
});
