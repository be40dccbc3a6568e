import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FeedRecordRepository } from '../../src/data-source/feed-record.repository';
import { readPriceFile } from '../../src/replay/prices/price-file';
import { describeEachEngine } from '../support/test-database';
import { DEMO, DEMO_PRICES, FIXTURES, runReplay, VARIANT } from './support/run-replay';

const INLINE_MODELS = path.join(FIXTURES, 'inline-models.yaml');
const RANGE = ['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T00:03:00Z'];

describeEachEngine('replay prices from the stored feed records of --database', (db) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-stored-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('reads the competition feed series the database holds when no --prices is given', async () => {
    const prices = await readPriceFile(DEMO_PRICES);
    const repository = new FeedRecordRepository(db().dataSource);
    for (const subject of prices.subjects()) await repository.insert({ source: 'synthetic', kind: 'price', granularity: '5s' }, prices.records(subject, 0, Infinity, 'price'));
    const result = await runReplay(['--competition', DEMO, ...RANGE, '--models', INLINE_MODELS, '--database', db().url, '--out', out]);
    expect(result.stderr).toMatch(/replay: \d+ prices from the database/);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'rounds.csv'), 'utf8').trimEnd().split('\n').length - 1).toBe(19 + 4);
    expect(fs.existsSync(path.join(out, 'prices.csv'))).toBe(false);
  }, 240_000);

  it('refuses to replay again into a database that holds rounds of the competition', async () => {
    const result = await runReplay(['--competition', DEMO, ...RANGE, '--models', INLINE_MODELS, '--database', db().url, '--out', path.join(out, 'again')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--database already holds 23 prediction round\(s\) of competition "condorgame-demo": replay into a fresh database/);
  }, 240_000);
});

describeEachEngine('replay prices fetched from the competition feed', (db) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-fetched-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('fetches the range and its history window, stores them in --database and writes prices.csv for an offline rerun', async () => {
    const result = await runReplay(['--competition', VARIANT, ...RANGE, '--models', INLINE_MODELS, '--database', db().url, '--out', out]);
    expect(result.stderr).toMatch(/replay: fetching BTC from the synthetic feed, 2025-12-31T22:00:00.000Z\.\.2026-01-01T00:03:00.000Z/);
    expect(result.code).toBe(0);
    const written = await readPriceFile(path.join(out, 'prices.csv'));
    // 2 h of history and 3 minutes, every 5 s, for four subjects.
    expect(written.count()).toBe(4 * (2 * 720 + 36 + 1));
    const stored: Array<{ n: string }> = await db().dataSource.query(`SELECT count(*) AS n FROM feed_records WHERE source = 'synthetic' AND granularity = '5s'`);
    expect(Number(stored[0].n)).toBe(written.count());
  }, 240_000);
});
