/**
 * GET /reports/leaderboard with 200 ranked models under load (autocannon, 50 connections),
 * against the Nest report app and against a bare node:http server answering the same bytes.
 * Prints requests/s and p99 latency of both and their ratio (target >= 0.9), the median of up to
 * five alternated rounds.
 *
 * The Nest app runs behind its access guards, and every fast-path request is counted against the
 * per-IP rate limit, set here to a limit the load never reaches (RATE_LIMIT_IP_PER_MINUTE, default
 * 100,000,000; 0 switches counting off, to compare).
 *
 *   npm run build && node dist/bench/report-leaderboard.js [SECONDS=10]                        # PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/report-leaderboard.js
 *   RATE_LIMIT_IP_PER_MINUTE=0 node dist/bench/report-leaderboard.js 5                         # no counting
 *
 * Each server runs in its own child process so the load generator does not share its event loop.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureReportApp } from '../src/report/configure-report-app';
import { DataSource } from 'typeorm';
import { AccessModule } from '../src/auth/access.module';
import { ApiKeyRing } from '../src/auth/api-key-ring';
import { presentsKey } from '../src/auth/caller';
import { RateLimits } from '../src/http/rate-limits/rate-limits';
import { ClockModule } from '../src/clock/clock.module';
import { loadAppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { loadCompetitionFile } from '../src/config/competition/competition.loader';
import { dataSourceOptions } from '../src/database/data-source.factory';
import { ReportModule } from '../src/report/report.module';
import { benchDatabase } from './bench-database';

const MODELS = 200;
const CONNECTIONS = 50;
const COMPETITION_FILE = path.resolve(__dirname, '../../competitions/demo.yaml');
const IP_LIMIT = process.env.RATE_LIMIT_IP_PER_MINUTE ?? '100000000';

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
// autocannon ships no types; this is the part of its programmatic API used here.
const autocannon = require('autocannon') as (opts: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;

type ChildMessage = { port: number } | { error: string };

async function serveNest(url: string, embedded: boolean): Promise<number> {
  const dataSource = new DataSource(dataSourceOptions(url, { embedded }));
  await dataSource.initialize();
  @Global()
  @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
  class BenchDatabaseModule {}
  const config = loadAppConfig({ RATE_LIMIT_IP_PER_MINUTE: IP_LIMIT });
  @Module({ imports: [ConfigModule.forRoot(config, loadCompetitionFile(COMPETITION_FILE)), ClockModule.forRoot(), BenchDatabaseModule, AccessModule.forRoot(config), ReportModule] })
  class BenchAppModule {}
  const app = await NestFactory.create(BenchAppModule, { logger: ['error'] });
  configureReportApp(app, { corsOrigins: [] }); // as main.ts does
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

async function serveBare(bodyBase64: string, etag: string): Promise<number> {
  const body = Buffer.from(bodyBase64, 'base64');
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, ETag: etag, 'Cache-Control': 'no-cache' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function startChild(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: ChildMessage) => ('port' in m ? resolve({ child, port: m.port }) : reject(new Error(m.error))));
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
}

async function seedLeaderboard(ds: DataSource, competitionId: string): Promise<void> {
  await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ($1, $1, '{}'::jsonb)`, [competitionId]);
  const entries = Array.from({ length: MODELS }, (_, i) => ({
    rank: i + 1,
    previous_rank: i === 0 ? null : i,
    model_id: `model-${String(i).padStart(4, '0')}`,
    model_name: `model number ${i}`,
    cruncher_id: `cruncher-${i}`,
    cruncher_name: `cruncher ${i}`,
    score_recent: 0.05 - i * 1e-4,
    score_steady: 0.049 - i * 1e-4,
    score_anchor: 0.048 - i * 1e-4,
    left: false,
    last_status: 'SUCCESS',
  }));
  await ds.query(`INSERT INTO leaderboards (id, competition_id, created_at, entries) VALUES ($1, $2, now(), $3::jsonb)`, [randomUUID(), competitionId, JSON.stringify(entries)]);
}

/**
 * What the fast path adds to a request to count it (the key-header check and RateLimits.admit),
 * measured in a loop: a figure that holds on a loaded machine, where the req/s ratio is noise.
 */
function countingCostMicros(): number {
  const limits = new RateLimits(loadAppConfig({ RATE_LIMIT_IP_PER_MINUTE: '100000000' }).rateLimits, new ApiKeyRing([]));
  const requests = Array.from({ length: 64 }, (_, i) => ({ headers: { host: '127.0.0.1', accept: '*/*' }, socket: { remoteAddress: `10.0.${i}.1` } }) as unknown as IncomingMessage);
  const rounds = 400_000;
  let refused = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    const req = requests[i & 63];
    if (!presentsKey(req.headers) && limits.admit(req)) refused++;
  }
  if (refused) throw new Error('the bench limit was reached');
  return Number(process.hrtime.bigint() - started) / rounds / 1000;
}

async function load(url: string, seconds: number): Promise<AutocannonResult> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds });
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  const db = await benchDatabase(engine);
  const children: ChildProcess[] = [];
  try {
    const competition = loadCompetitionFile(COMPETITION_FILE);
    await seedLeaderboard(db.dataSource, competition.id);
    const dbUrl = (db.dataSource.options as { url: string }).url;

    const nest = await startChild(['nest', dbUrl, engine === 'pglite' ? 'embedded' : 'server']);
    children.push(nest.child);
    const nestUrl = `http://127.0.0.1:${nest.port}/reports/leaderboard`;
    const first = await fetch(nestUrl);
    const body = Buffer.from(await first.arrayBuffer());
    const entries = JSON.parse(body.toString('utf8')) as unknown[];
    if (first.status !== 200 || entries.length !== MODELS) throw new Error(`expected ${MODELS} entries, got ${entries.length} (status ${first.status})`);

    const bare = await startChild(['bare', body.toString('base64'), first.headers.get('etag') ?? '"x"']);
    children.push(bare.child);
    const bareUrl = `http://127.0.0.1:${bare.port}/reports/leaderboard`;

    await load(nestUrl, 1); // warm-up both
    await load(bareUrl, 1);
    // Alternated in short rounds, so a machine whose load changes meanwhile weighs on both alike.
    const rounds = Math.max(1, Math.min(5, Math.floor(seconds)));
    const ratios: number[] = [];
    let nestResult: AutocannonResult | undefined;
    let bareResult: AutocannonResult | undefined;
    for (let round = 0; round < rounds; round++) {
      nestResult = await load(nestUrl, seconds / rounds);
      bareResult = await load(bareUrl, seconds / rounds);
      ratios.push(nestResult.requests.average / bareResult.requests.average);
    }

    const line = (name: string, r: AutocannonResult) =>
      `${name.padEnd(22)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p99 ${String(r.latency.p99).padStart(4)} ms   avg ${r.latency.average.toFixed(2)} ms   non-2xx ${r.non2xx}   errors ${r.errors + r.timeouts}`;
    console.log(`GET /reports/leaderboard, ${MODELS} models (${body.length} bytes), ${CONNECTIONS} connections, ${seconds} s each (last round shown), ${db.label}, RATE_LIMIT_IP_PER_MINUTE=${IP_LIMIT}`);
    console.log(line('Nest report app', nestResult!));
    console.log(line('bare node:http', bareResult!));
    console.log(`rate-limit counting on the fast path: ${countingCostMicros().toFixed(2)} us a request (in a loop)`);
    const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
    console.log(`ratio Nest / bare: ${median.toFixed(2)} (median of ${rounds} alternated rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}; target >= 0.9)`);
  } finally {
    for (const child of children) child.kill();
    await db.close();
  }
}

if (process.argv[2] === 'nest' || process.argv[2] === 'bare') {
  const [, , mode, a, b] = process.argv;
  (mode === 'nest' ? serveNest(a, b === 'embedded') : serveBare(a, b))
    .then((port) => process.send?.({ port }))
    .catch((err: Error) => process.send?.({ error: err.stack ?? err.message }));
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
