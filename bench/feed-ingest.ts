/**
 * Feed ingest: 1,000,000 synthetic minute records (4 subjects x 250,000 minutes) through the
 * record validator, into the in-memory price windows and into `feed_records`; then nearest-time
 * lookups (the ground-truth access pattern) per second.
 *
 *   npm run build && node dist/bench/feed-ingest.js [RECORDS=1000000]
 *
 * Database: DATABASE_URL (a PostgreSQL server, a fresh table is assumed migrated) or, by
 * default, embedded PGlite in memory. BENCH_DB_RECORDS limits how many go to the database.
 */
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SyntheticPriceProcess } from '../src/data-source/adapters/synthetic-price-process';
import type { FeedRecord } from '../src/data-source/feed';
import { FeedRecordRepository } from '../src/data-source/feed-record.repository';
import { FeedRecordValidator } from '../src/data-source/feed-record-validator';
import { PriceWindow } from '../src/data-source/price-window';
import { openDatabase } from '../src/database/data-source.factory';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';

const SUBJECTS = ['BTC', 'ETH', 'SOL', 'XAU'];
const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1);

function seconds(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}

function rate(n: number, s: number): string {
  return `${Math.round(n / s).toLocaleString('en-US')}/s`;
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const total = Number(process.argv[2] ?? 1_000_000);
  const perSubject = Math.floor(total / SUBJECTS.length);
  const dbRecords = Math.min(total, Number(process.env.BENCH_DB_RECORDS ?? total));

  let t = process.hrtime.bigint();
  const records: FeedRecord[][] = SUBJECTS.map((subject) => {
    const process_ = new SyntheticPriceProcess(subject, {
      seed: 1, stepSeconds: 60, originMs: T0, startPrice: 100, volatility: 0.8, regimeSteps: 720, jumpProbability: 0.001, jumpStdDev: 0.01,
    });
    return [...process_.prices(T0, T0 + (perSubject - 1) * MIN)].map(({ ts, price }) => ({ subject, ts, values: { price } }));
  });
  const n = records.reduce((s, r) => s + r.length, 0);
  console.log(`generated ${n.toLocaleString('en-US')} synthetic records in ${seconds(t).toFixed(2)} s (${rate(n, seconds(t))})`);

  t = process.hrtime.bigint();
  const validator = new FeedRecordValidator('synthetic');
  const rules = { valueField: 'price', requirePositive: true, subjects: new Set(SUBJECTS), latestAcceptableTs: Number.MAX_SAFE_INTEGER };
  let kept = 0;
  for (const series of records) for (let i = 0; i < series.length; i += 10_000) kept += validator.validate(series.slice(i, i + 10_000), rules, 'bench').kept.length;
  const validateS = seconds(t);
  console.log(`validated ${kept.toLocaleString('en-US')} records in ${validateS.toFixed(2)} s (${rate(kept, validateS)})`);

  // A window holding everything (no eviction), and a 1-day window (constant eviction).
  for (const historyMs of [perSubject * MIN, 86_400_000]) {
    const windows = SUBJECTS.map(() => new PriceWindow(historyMs));
    t = process.hrtime.bigint();
    records.forEach((series, k) => {
      for (const r of series) windows[k].insert(r.ts, r.values.price);
    });
    const s = seconds(t);
    console.log(`window ingest (history ${(historyMs / 3_600_000).toFixed(0)} h): ${n.toLocaleString('en-US')} inserts in ${s.toFixed(2)} s (${rate(n, s)}), kept ${windows.reduce((a, w) => a + w.size, 0).toLocaleString('en-US')}`);
  }

  const full = SUBJECTS.map(() => new PriceWindow(perSubject * MIN));
  records.forEach((series, k) => series.forEach((r) => full[k].insert(r.ts, r.values.price)));
  const lookups = 2_000_000;
  let found = 0;
  let seed = 12345;
  t = process.hrtime.bigint();
  for (let i = 0; i < lookups; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const at = T0 + (seed / 4294967296) * perSubject * MIN;
    if (full[i & 3].nearest(at, 30_000)) found++;
  }
  const lookupS = seconds(t);
  console.log(`nearest-time lookups: ${lookups.toLocaleString('en-US')} in ${lookupS.toFixed(2)} s (${rate(lookups, lookupS)}), ${found.toLocaleString('en-US')} within 30 s`);

  if (dbRecords <= 0) return;
  let embedded: EmbeddedPostgres | undefined;
  let dataSource: DataSource;
  if (process.env.DATABASE_URL) {
    dataSource = await openDatabase(process.env.DATABASE_URL, { embedded: false });
  } else {
    embedded = await EmbeddedPostgres.start({});
    dataSource = await openDatabase(embedded.url, { embedded: true });
  }
  try {
    const repository = new FeedRecordRepository(dataSource);
    const series = { source: `bench-${Date.now()}`, kind: 'price', granularity: '60s' };
    const perSubjectDb = Math.floor(dbRecords / SUBJECTS.length);
    t = process.hrtime.bigint();
    let added = 0;
    for (const subjectRecords of records) {
      const slice = subjectRecords.slice(0, perSubjectDb);
      for (let i = 0; i < slice.length; i += 50_000) added += await repository.insert(series, slice.slice(i, i + 50_000));
    }
    const insertS = seconds(t);
    console.log(`database insert (${embedded ? 'PGlite' : 'PostgreSQL'}): ${added.toLocaleString('en-US')} rows in ${insertS.toFixed(1)} s (${rate(added, insertS)})`);
    t = process.hrtime.bigint();
    const again = await repository.insert(series, records[0].slice(0, 20_000));
    console.log(`re-insert of 20,000 stored rows (deduped): ${again} new in ${seconds(t).toFixed(2)} s`);
    t = process.hrtime.bigint();
    const marks = await repository.watermarks(series);
    console.log(`watermarks of ${marks.size} subjects in ${(seconds(t) * 1000).toFixed(0)} ms`);
    t = process.hrtime.bigint();
    const day = await repository.range(series, 'BTC', T0 + 1000 * MIN, T0 + 1000 * MIN + 86_400_000);
    console.log(`range read of one day (${day.length} rows) in ${(seconds(t) * 1000).toFixed(0)} ms`);
    await repository.deleteOlderThan(T0 + 10 * 365 * 86_400_000, series.source); // leave no bench rows behind
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
