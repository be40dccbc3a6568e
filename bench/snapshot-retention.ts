/**
 * Snapshot writes and retention on a full `score_snapshots`: DAYS of one scoring cycle a minute
 * for MODELS models (each standing with the reference competition's three windows and its eight
 * parameter sets), then HOURS of live cycles with the hourly retention job after each hour. What
 * a replay or a live node spends on snapshots as the table reaches its retention.
 *
 *   node -r ./test/support/register-typescript.js bench/snapshot-retention.ts [DAYS=10] [MODELS=100] [--hours 24] [--database URL]
 *
 * Without --database, an embedded PGlite in a temporary directory; with it, the (empty) database
 * it names, migrated first. The fill writes each day's first cycle through the repository's insert
 * and copies it to the day's other minutes in SQL (a live node's rows, written in time order,
 * without 14,400 statements of setup); the retention job runs every simulated hour of the fill, as
 * on a live node (it creates the partitions ahead, and prunes once DAYS passes the retention).
 * Retention keeps the competition's `snapshotsDays` (10), so from DAYS=10 each timed run prunes
 * what a node at its steady state prunes: an hour of snapshots deleted, or, once a day, a day's
 * partition dropped. A DAYS beyond it also leaves what those deletes leave (dead rows and index
 * entries until autovacuum comes), as a long replay's table had them.
 *
 * Prints, for the timed cycles' snapshot insert (ScoreSnapshotRepository.insert, the cycle's
 * statement) and for the retention runs (ScoreRetentionService.prune): wall time, this process's
 * CPU and, for a PostgreSQL server on this machine, its backends' CPU (from /proc). The machine may
 * be shared, so CPU seconds are the figures to compare.
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { VirtualClock } from '../src/clock/clock';
import { loadCompetitionFile } from '../src/config/competition/competition.loader';
import type { CompetitionDefinition } from '../src/config/competition/competition.types';
import { openDatabase } from '../src/database/data-source.factory';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';
import { PredictionPartitionRepository } from '../src/predict/round/prediction-partitions.repository';
import { PredictionRoundRepository } from '../src/predict/round/prediction-round.repository';
import type { ModelStanding } from '../src/score/model-standing';
import { ScoreRetentionService } from '../src/score/score-retention.service';
import { ScoreSnapshotPartitionRepository } from '../src/score/score-snapshot-partitions.repository';
import { ScoreSnapshotRepository } from '../src/score/score-snapshot.repository';
import { ScoreWindowRepository } from '../src/score/score-window.repository';
import { backendCpuSeconds, cpuSpent } from './backend-cpu';

const ROOT = path.resolve(__dirname, '..');
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** A UTC midnight: the fill's first cycle. */
const T0 = Date.UTC(2026, 0, 1);

/** Retention as the score module builds it. */
function retentionService(competition: CompetitionDefinition, clock: VirtualClock, ds: DataSource): ScoreRetentionService {
  return new ScoreRetentionService(
    competition,
    clock,
    ds,
    new PredictionRoundRepository(ds),
    new PredictionPartitionRepository(ds),
    new ScoreSnapshotRepository(ds),
    new ScoreSnapshotPartitionRepository(ds),
    new ScoreWindowRepository(ds),
  );
}

/** Each model's standing as a cycle of the reference competition writes it: every window, overall and per parameter set. */
function standings(competition: CompetitionDefinition, models: number): ModelStanding[] {
  const windows = competition.scoring.windows.map((w) => w.name);
  return Array.from({ length: models }, (_, m) => ({
    modelId: `model-${m + 1}`,
    windows: Object.fromEntries(windows.map((w, i) => [w, { value: 0.8 + m * 1e-3 + i * 1e-4, count: 480 * (i + 1), failed: m % 7, complete: true, params: competition.predictions.length }])),
    params: competition.predictions.map((p) => ({
      param: `${p.asset}-${p.horizon}-${p.step}`,
      asset: p.asset,
      horizon: p.horizon,
      step: p.step,
      windows: Object.fromEntries(windows.map((w, i) => [w, { value: 0.7 + m * 1e-3 + i * 1e-4 + p.horizon * 1e-9, count: 60 * (i + 1), failed: m % 3, complete: true }])),
    })),
  }));
}

/** Wall and CPU time of a piece of work: this process, and the PostgreSQL backends when the server is on this machine. */
class Timings {
  readonly wallMs: number[] = [];
  processCpuMs = 0;
  serverCpuMs = 0;

  constructor(private readonly ds: DataSource, private readonly server: boolean) {}

  async time<T>(work: () => Promise<T>): Promise<T> {
    const serverBefore = this.server ? await backendCpuSeconds(this.ds) : new Map<number, number>();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await work();
    this.wallMs.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuBefore);
    this.processCpuMs += (cpu.user + cpu.system) / 1000;
    if (this.server) this.serverCpuMs += cpuSpent(serverBefore, await backendCpuSeconds(this.ds)) * 1000;
    return result;
  }

  summary(): string {
    const sorted = [...this.wallMs].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const total = sorted.reduce((a, b) => a + b, 0);
    const n = sorted.length;
    return (
      `${n} runs: wall mean ${(total / n).toFixed(2)} ms, median ${at(0.5).toFixed(2)}, p95 ${at(0.95).toFixed(2)}, max ${sorted[n - 1].toFixed(2)}, total ${(total / 1000).toFixed(2)} s; ` +
      `CPU this process ${(this.processCpuMs / n).toFixed(2)} ms a run` +
      (this.server ? `, PostgreSQL backends ${(this.serverCpuMs / n).toFixed(2)} ms a run (${(this.serverCpuMs / 1000).toFixed(2)} s in all)` : ' (the embedded server included)')
    );
  }
}

async function open(url: string | undefined): Promise<{ dataSource: DataSource; label: string; close(): Promise<void> }> {
  if (url) {
    const dataSource = await openDatabase(url, { embedded: false });
    return { dataSource, label: `PostgreSQL (${new URL(url).host})`, close: () => dataSource.destroy() };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-bench-'));
  const embedded = await EmbeddedPostgres.start({ dataDir });
  const dataSource = await openDatabase(embedded.url, { embedded: true });
  return {
    dataSource,
    label: 'PGlite (embedded)',
    async close() {
      await dataSource.destroy();
      await embedded.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Bytes of score_snapshots with its indexes and TOAST, every partition included (a plain table has no partition tree). */
async function tableBytes(ds: DataSource): Promise<number> {
  const [{ bytes }]: Array<{ bytes: string }> = await ds.query(
    `SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('score_snapshots')), pg_total_relation_size('score_snapshots'))::text AS bytes`,
  );
  return Number(bytes);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { database: { type: 'string' }, hours: { type: 'string' } }, allowPositionals: true });
  const days = Number(positionals[0] ?? 10);
  const models = Number(positionals[1] ?? 100);
  const hours = Number(values.hours ?? 24);
  if (![days, models, hours].every((n) => Number.isInteger(n) && n > 0)) throw new Error('usage: bench/snapshot-retention.ts [DAYS] [MODELS] [--hours H] [--database URL], positive integers');
  const competition = loadCompetitionFile(path.join(ROOT, 'competitions/condorgame.yaml'));
  const db = await open(values.database);
  const ds = db.dataSource;
  const server = values.database !== undefined;
  try {
    const clock = new VirtualClock(T0);
    const retention = retentionService(competition, clock, ds);
    const snapshots = new ScoreSnapshotRepository(ds);
    const written = standings(competition, models);
    console.log(`engine: ${db.label}; ${days} days x ${models} models, one cycle a minute; retention.snapshotsDays ${competition.retention.snapshotsDays}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    const fillStarted = performance.now();
    for (let d = 0; d < days; d++) {
      const dayStart = T0 + d * DAY_MS;
      await clock.advanceTo(dayStart + 30_000);
      await retention.prune(); // before the day's rows, so they land in their partition (created three days ahead)
      await snapshots.insert(written, dayStart);
      await ds.query(
        `INSERT INTO score_snapshots (id, model_id, performed_at, score_recent, score_steady, score_anchor, windows, params)
         SELECT gen_random_uuid(), s.model_id, s.performed_at + m * interval '1 minute', s.score_recent, s.score_steady, s.score_anchor, s.windows, s.params
           FROM generate_series(1, ${DAY_MS / MINUTE_MS - 1}) m
          CROSS JOIN (SELECT * FROM score_snapshots WHERE performed_at = $1) s
          ORDER BY m, s.model_id`,
        [new Date(dayStart)],
      );
      for (let h = 1; h < 24; h++) {
        await clock.advanceTo(dayStart + h * HOUR_MS + 30_000);
        await retention.prune();
      }
    }
    await ds.query(`ANALYZE score_snapshots`);
    const [{ n: filled }]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM score_snapshots`);
    console.log(`fill: ${filled} snapshots in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s; score_snapshots ${(await tableBytes(ds) / 1e6).toFixed(0)} MB with its indexes`);

    const inserts = new Timings(ds, server);
    const prunes = new Timings(ds, server);
    const pruned: number[] = [];
    const fillEnd = T0 + days * DAY_MS;
    for (let h = 0; h < hours; h++) {
      for (let k = 0; k < 60; k++) {
        const at = fillEnd + h * HOUR_MS + k * MINUTE_MS;
        await clock.advanceTo(at);
        await inserts.time(() => snapshots.insert(written, at));
      }
      await clock.advanceTo(fillEnd + (h + 1) * HOUR_MS + 30_000);
      pruned.push((await prunes.time(() => retention.prune())).snapshots);
    }
    const [{ n: left }]: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM score_snapshots`);
    console.log(`cycle snapshot insert (${models} rows): ${inserts.summary()}`);
    console.log(`hourly retention prune: ${prunes.summary()}`);
    console.log(`  each run (ms/snapshots removed): ${prunes.wallMs.map((ms, i) => `${ms.toFixed(0)}/${pruned[i]}`).join(' ')}`);
    console.log(`after: ${left} snapshots, score_snapshots ${(await tableBytes(ds) / 1e6).toFixed(0)} MB; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
