/**
 * Operator drills against a running coordinator (the demo competition, `node dist/src/main.js`):
 *
 * - `outage`: PostgreSQL becomes unreachable for 60 s while the demo runs (a TCP proxy between
 *   the app and the server is cut, as a restart would), then returns. Counts the rounds due
 *   during the outage that are stored afterwards, and what the leaderboard answered meanwhile.
 * - `blip`: three 2 s cuts, each 100 ms before a round is due; counts the rounds due then that are stored.
 * - `kill`: kill -9 the coordinator just after a scoring cycle is due, 3 times, on PostgreSQL and
 *   on PGlite; restart it each time, let it catch up, then count predictions lost (rounds whose
 *   counts name more predictions than are stored) or double-scored (score bucket sums against
 *   the scored prediction rows).
 *
 *   npm run build && node dist/bench/drills.js outage     # or blip
 *   DRILL_ENGINES=postgres,pglite node dist/bench/drills.js kill
 *   DRILL_APP_DIR=/tmp/other-checkout node dist/bench/drills.js outage   # the same drill on another build
 *
 * DRILL_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) is the server where a
 * throw-away database is created per run. Everything listens on 127.0.0.1 only; every wait is bounded.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { PredictionConfig } from '../src/competition/prediction-config';
import { nextRoundAt, roundSlots } from '../src/predict/schedule/round-schedule';
import { DatabaseProxy } from './drills-database-proxy';

const ROOT = path.resolve(__dirname, '..', '..');
const APP_DIR = path.resolve(process.env.DRILL_APP_DIR ?? ROOT);
const ADMIN_URL = process.env.DRILL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OUTAGE_MS = Number(process.env.DRILL_OUTAGE_MS ?? 60_000);
const SCORE_INTERVAL_MS = 15_000; // competitions/demo.yaml scoring.intervalSeconds
const KILLS = 3;

type Engine = 'postgres' | 'pglite';

interface RunningApp {
  child: ChildProcess;
  url: string;
  output(): string;
}

async function main(): Promise<void> {
  const drill = process.argv[2];
  if (drill === 'outage') return void console.log(JSON.stringify(await outageDrill(), null, 2));
  if (drill === 'blip') return void console.log(JSON.stringify(await blipDrill(), null, 2));
  if (drill === 'kill') {
    const engines = (process.env.DRILL_ENGINES ?? 'postgres,pglite').split(',') as Engine[];
    for (const engine of engines) {
      if (engine !== 'postgres' && engine !== 'pglite') throw new Error(`DRILL_ENGINES: unknown engine "${engine}" (postgres, pglite)`);
      console.log(JSON.stringify(await killDrill(engine), null, 2));
    }
    return;
  }
  throw new Error('usage: node dist/bench/drills.js outage|blip|kill');
}

// --- the outage drill -------------------------------------------------------------------------

async function outageDrill(): Promise<Record<string, unknown>> {
  return behindProxy(async ({ app, proxy, direct }) => {
    await until('a first round stored', 120_000, async () => (await count(direct, 'SELECT count(*) FROM prediction_rounds')) > 0);
    // A reader has the leaderboard before the outage (as the web page would): there is a copy to keep.
    const leaderboard: Array<{ atS: number; status: number; age: string | null }> = [{ atS: 0, ...(await leaderboardAnswer(app.url)) }];
    const cutAt = Date.now();
    await proxy.cut();
    while (Date.now() - cutAt < OUTAGE_MS) {
      await sleep(5_000);
      leaderboard.push({ atS: Math.round((Date.now() - cutAt) / 1000), ...(await leaderboardAnswer(app.url)) });
    }
    await proxy.restore();
    const restoredAt = Date.now();
    await sleep(20_000); // rounds finishing their retries, the buffer written back
    return {
      drill: 'outage',
      app: APP_DIR,
      outageSeconds: Math.round((restoredAt - cutAt) / 1000),
      ...(await roundsOutcome(direct, [[cutAt, restoredAt]])),
      leaderboardDuringOutage: leaderboard.map((a) => `${a.atS}s:${a.status}${a.age === null ? '' : ` age ${a.age}`}`).join(', '),
      health: await healthz(app.url),
      appWarnings: app.output().split('\n').filter((l) => /outage buffer|written after the outage|already ran/.test(l)).length,
    };
  });
}

/** Three 2 s cuts, each starting 100 ms before a round is due. */
async function blipDrill(): Promise<Record<string, unknown>> {
  return behindProxy(async ({ app, proxy, direct }) => {
    await until('a first round stored', 120_000, async () => (await count(direct, 'SELECT count(*) FROM prediction_rounds')) > 0);
    const configs = await activeConfigs(direct);
    const windows: Array<[number, number]> = [];
    for (let i = 0; i < 3; i++) {
      const nextDue = Math.min(...dueSlots(configs, Date.now() + 1_000, Date.now() + 200_000).map((d) => d.atMs));
      await sleep(nextDue - 100 - Date.now());
      const cutAt = Date.now();
      await proxy.blip(2_000);
      windows.push([cutAt, Date.now()]);
    }
    await sleep(15_000);
    return { drill: 'blip', app: APP_DIR, blips: windows.length, ...(await roundsOutcome(direct, windows)) };
  });
}

/** Runs `work` with the demo app reaching a throw-away PostgreSQL database through a proxy; cleans up whatever was started. */
async function behindProxy<T>(work: (drill: { app: RunningApp; proxy: DatabaseProxy; direct: Client }) => Promise<T>): Promise<T> {
  const db = await throwAwayDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drill-'));
  let proxy: DatabaseProxy | undefined;
  let app: RunningApp | undefined;
  let direct: Client | undefined;
  try {
    proxy = await DatabaseProxy.start(db.url);
    app = await startApp({ DATABASE_URL: proxy.url, DATA_DIR: dataDir });
    direct = await connect(db.url);
    return await work({ app, proxy, direct });
  } finally {
    await direct?.end();
    if (app) await stopApp(app);
    await proxy?.close();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Rounds due in the windows [from, to) that are stored with their predictions, and those lost. */
async function roundsOutcome(direct: Client, windows: ReadonlyArray<[number, number]>): Promise<Record<string, number>> {
  const configs = await activeConfigs(direct);
  let due = 0;
  let lost = 0;
  let predictions = 0;
  for (const [from, to] of windows) {
    const slots = dueSlots(configs, from, to);
    const stored: Array<{ config_id: string; scheduled_at: Date; predictions: number }> = (
      await direct.query(
        `SELECT r.config_id, r.scheduled_at, (SELECT count(*)::int FROM predictions p WHERE p.round_id = r.id) AS predictions
           FROM prediction_rounds r WHERE r.scheduled_at >= $1 AND r.scheduled_at < $2`,
        [new Date(from), new Date(to)],
      )
    ).rows;
    const storedKeys = new Set(stored.filter((r) => r.predictions > 0).map((r) => `${r.config_id}@${r.scheduled_at.getTime()}`));
    due += slots.length;
    lost += slots.filter((d) => !storedKeys.has(`${d.configId}@${d.atMs}`)).length;
    predictions += stored.reduce((n, r) => n + r.predictions, 0);
  }
  return { roundsDue: due, roundsStored: due - lost, roundsLost: lost, predictionsStored: predictions };
}

async function leaderboardAnswer(url: string): Promise<{ status: number; age: string | null }> {
  try {
    const res = await fetch(`${url}/reports/leaderboard`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return { status: res.status, age: res.headers.get('x-leaderboard-age') };
  } catch {
    return { status: 0, age: null };
  }
}

async function healthz(url: string): Promise<unknown> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { checks?: Record<string, unknown> };
  return { status: res.status, predictionBuffer: body.checks?.predictionBuffer ?? 'not reported' };
}

async function activeConfigs(client: Client): Promise<PredictionConfig[]> {
  const rows = (
    await client.query(
      `SELECT id, competition_id, asset, horizon, step, prediction_interval, "group", active, "order" FROM prediction_configs WHERE active`,
    )
  ).rows as Array<{ id: string; competition_id: string; asset: string; horizon: number; step: number; prediction_interval: number; group: string; active: boolean; order: number }>;
  return rows.map((r) => ({ id: r.id, competitionId: r.competition_id, asset: r.asset, horizon: r.horizon, step: r.step, interval: r.prediction_interval, group: r.group, active: r.active, order: r.order }));
}

/** Every (config, slot) of the schedule with fromMs <= slot < toMs. */
function dueSlots(configs: readonly PredictionConfig[], fromMs: number, toMs: number): Array<{ configId: string; atMs: number }> {
  const due: Array<{ configId: string; atMs: number }> = [];
  for (const slot of roundSlots(configs)) {
    for (let at = nextRoundAt(slot, fromMs - 1); at < toMs; at += slot.everyMs) due.push({ configId: slot.config.id, atMs: at });
  }
  return due;
}

// --- the kill -9 drill ------------------------------------------------------------------------

async function killDrill(engine: Engine): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `drill-kill-${engine}-`));
  const db = engine === 'postgres' ? await throwAwayDatabase() : undefined;
  const embeddedPort = await freePort();
  const env: Record<string, string> = db ? { DATABASE_URL: db.url, DATA_DIR: dataDir } : { DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(embeddedPort) };
  const dbUrl = db?.url ?? `postgres://postgres@127.0.0.1:${embeddedPort}/postgres`;
  let app: RunningApp | undefined;
  const kills: string[] = [];
  try {
    app = await startApp(env);
    await withClient(dbUrl, (c) => until('a first scored prediction', 300_000, async () => (await count(c, 'SELECT count(*) FROM predictions_with_scores WHERE scored_at IS NOT NULL')) > 0));
    let lastKillAt = 0;
    for (let i = 0; i < KILLS; i++) {
      await sleep(10_000);
      // Just after a scoring cycle is due (cycles are epoch-aligned every 15 s).
      const jitterMs = 20 + Math.floor(Math.random() * 150);
      const killAt = Math.ceil(Date.now() / SCORE_INTERVAL_MS) * SCORE_INTERVAL_MS + jitterMs;
      await sleep(killAt - Date.now());
      const scoredBefore = await withClient(dbUrl, (c) => count(c, 'SELECT count(*) FROM predictions_with_scores WHERE scored_at IS NOT NULL')).catch(() => -1);
      const { child } = app;
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
      lastKillAt = Date.now();
      kills.push(`kill ${i + 1}: ${jitterMs} ms after a cycle was due, ${scoredBefore} predictions scored`);
      app = await startApp(env);
    }
    // Let every prediction resolvable before the last kill be scored (horizon 120 s + truth wait).
    await withClient(dbUrl, (c) =>
      until('everything resolvable before the last kill scored', 400_000, async () => {
        return (await count(c, `SELECT count(*) FROM predictions_with_scores WHERE scored_at IS NULL AND resolvable_at < $1`, [new Date(lastKillAt)])) === 0;
      }),
    ).catch((err: Error) => kills.push(`note: ${err.message}`));
    const counts = await withClient(dbUrl, (c) => integrityCounts(c));
    return { drill: 'kill -9', engine, app: APP_DIR, kills, ...counts };
  } finally {
    if (app) await stopApp(app);
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Predictions against round counts, and score buckets against scored predictions. */
async function integrityCounts(c: Client): Promise<Record<string, number>> {
  const [r] = (
    await c.query(`
      SELECT
        (SELECT count(*)::int FROM prediction_rounds) AS rounds,
        (SELECT count(*)::int FROM predictions_with_scores) AS predictions,
        (SELECT count(*)::int FROM predictions_with_scores WHERE scored_at IS NOT NULL) AS scored,
        (SELECT coalesce(sum(greatest(r.model_count - (SELECT count(*) FROM predictions_with_scores p WHERE p.round_id = r.id), 0)), 0)::int FROM prediction_rounds r) AS lost,
        (SELECT count(*)::int FROM prediction_rounds r WHERE duration_ms IS NULL) AS interrupted_rounds,
        (SELECT count(*)::int FROM prediction_rounds r WHERE duration_ms IS NOT NULL AND model_count = 0) AS rounds_without_models,
        (SELECT count(*)::int FROM predictions_with_scores WHERE scored_at IS NOT NULL AND score_value IS NOT NULL) AS scored_with_value,
        (SELECT count(*)::int FROM predictions_with_scores WHERE scored_at IS NOT NULL AND NOT score_success) AS scored_failed,
        (SELECT coalesce(sum(score_count), 0)::int FROM score_buckets) AS bucket_scores,
        (SELECT coalesce(sum(failed_count), 0)::int FROM score_buckets) AS bucket_failed`)
  ).rows;
  return {
    rounds: r.rounds,
    predictions: r.predictions,
    scored: r.scored,
    predictionsLost: r.lost,
    // Claimed, never completed: the kill came between the claim and the writes (its answers are lost).
    roundsInterrupted: r.interrupted_rounds,
    // Completed with no model connected (a round due while the restarted app's models were joining).
    roundsWithoutModels: r.rounds_without_models,
    // > 0: a score counted in the buckets more often than there are scored rows (double-scored).
    bucketScoresMinusScoredRows: r.bucket_scores - r.scored_with_value,
    bucketFailuresMinusFailedRows: r.bucket_failed - r.scored_failed,
  };
}

// --- processes and databases ------------------------------------------------------------------

async function startApp(env: Record<string, string>): Promise<RunningApp> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ENV_FILE: '/nonexistent', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-2_000_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const app = { child, url: `http://127.0.0.1:${port}`, output: () => out };
  try {
    // Start-up (migrations, feed backfill, model processes) takes about 30 s on a busy 2-core machine.
    await until('the app answering /healthz', 180_000, async () => {
      if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${out.slice(-3000)}`);
      return (await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(2_000) }).catch(() => null))?.status === 200;
    });
  } catch (err) {
    await stopApp(app);
    throw err;
  }
  return app;
}

async function stopApp(app: RunningApp): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise((resolve) => app.child.once('exit', resolve));
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function throwAwayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `drill_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  return client;
}

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function count(c: Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await c.query(sql, params);
  return Number(Object.values(rows[0] as Record<string, unknown>)[0]);
}

async function until(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(1_000);
  }
}

/**
 * A free port below the kernel's ephemeral range: the app binds it only after a ~30 s start-up,
 * and an ephemeral port can meanwhile become the local end of someone's outgoing connection.
 */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 20000-32000');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

main().catch((err: unknown) => {
  console.error((err as Error).stack ?? err);
  process.exit(1);
});
