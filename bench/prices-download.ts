/**
 * GET /data/prices over a month of one-minute prices: rows/s and MB/s of the CSV and Parquet
 * downloads, and how much the node's heap grows while it streams (it must stay near one page,
 * not the range). The client reads the body chunk by chunk and keeps nothing.
 *
 *   npm run build && node dist/bench/prices-download.js [SUBJECTS=4] [DAYS=31]           # PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/prices-download.js
 */
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ClockModule } from '../src/clock/clock.module';
import { loadAppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { loadCompetitionFile } from '../src/config/competition/competition.loader';
import { FeedRecordRepository } from '../src/data-source/feed-record.repository';
import { configureReportApp } from '../src/report/configure-report-app';
import { ReportModule } from '../src/report/report.module';
import { benchDatabase } from './bench-database';

// From dist/bench (built) or bench/ (run through test/support/register-typescript.js).
const COMPETITION_FILE = [path.resolve(__dirname, '../../competitions/synth.yaml'), path.resolve(__dirname, '../competitions/synth.yaml')].find((f) => fs.existsSync(f))!;
const SUBJECTS = ['BTC', 'ETH', 'SOL', 'XAUT', 'HYPE', 'XRP'];

async function main(): Promise<void> {
  const subjects = SUBJECTS.slice(0, Number(process.argv[2] ?? 4));
  const days = Number(process.argv[3] ?? 31);
  const competition = loadCompetitionFile(COMPETITION_FILE);
  const db = await benchDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  try {
    const series = { source: competition.feed.adapter, kind: 'price', granularity: `${competition.feed.granularity}s` };
    const t0 = Date.UTC(2026, 0, 1);
    const minutes = days * 1440;
    const repository = new FeedRecordRepository(db.dataSource);
    for (const subject of subjects) {
      const records = Array.from({ length: minutes }, (_, i) => ({ subject, ts: t0 + i * 60_000, values: { [competition.tick.valueField]: 1000 + Math.sin(i / 100) * 50 + i / 1e4 } }));
      await repository.insert(series, records);
    }

    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: db.dataSource }], exports: [DataSource] })
    class BenchDatabaseModule {}
    @Module({ imports: [ConfigModule.forRoot(loadAppConfig({}), competition), ClockModule.forRoot(), BenchDatabaseModule, ReportModule] })
    class BenchAppModule {}
    const app = await NestFactory.create(BenchAppModule, { logger: ['error'] });
    configureReportApp(app, { corsOrigins: [] });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const range = `from=${new Date(t0).toISOString()}&to=${new Date(t0 + (minutes - 1) * 60_000).toISOString()}`;
    console.log(`${db.label}: ${subjects.length} subjects x ${days} days of minutes = ${subjects.length * minutes} rows`);
    for (const format of ['csv', 'parquet']) {
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
      const started = performance.now();
      const res = await fetch(`${base}/data/prices?subject=${subjects.join(',')}&${range}&format=${format}`);
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const rows = Number(res.headers.get('x-row-count'));
      console.log(
        `${format.padEnd(7)} ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s: ` +
          `${Math.round(rows / seconds)} rows/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; heap growth while streaming ${((heapPeak - heapBefore) / 1e6).toFixed(1)} MB`,
      );
    }
    await app.close();
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
