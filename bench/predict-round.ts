/**
 * One predict round (call + decode + check + store) to N trivial models hosted by the local
 * orchestrator, for N = 100, 1,000, 5,000: round latency p50/p99 over several rounds and the
 * coordinator's CPU time per model call.
 *
 *   npm run build && node dist/bench/predict-round.js [N,N,...=100,1000,5000] [rounds=7]
 *   BENCH_CPU_PROFILE=/tmp/prof node dist/bench/predict-round.js 1000 20   # profiles of the measured rounds only
 *
 * BENCH_CPU_PROFILE writes one .cpuprofile per size and process (coordinator, orchestrator),
 * covering the measured rounds only (not the setup of N models), for Chrome DevTools.
 * The orchestrator runs in a child process (models `isolation: inline`, each with its own gRPC
 * server), so the CPU measured with process.cpuUsage is the coordinator's alone: the
 * ModelRunnerService client (one channel per model), the decoding, the output checks and the
 * batched insert into the database (embedded PGlite in memory; DATABASE_URL for PostgreSQL).
 * The round is the reference hourly config (BTC, horizon 3600, step 60: 60 densities per model).
 */
import { fork, ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Session } from 'node:inspector';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { stringify } from 'yaml';
import { DataSource } from 'typeorm';
import { SystemClock } from '../src/clock/clock';
import { parseCompetitionDefinition } from '../src/config/competition/competition.loader';
import { CompetitionDefinition } from '../src/config/competition/competition.types';
import { CompetitionRepository } from '../src/competition/competition.repository';
import { CompetitionSyncService } from '../src/competition/competition-sync.service';
import { PredictionConfigRepository } from '../src/competition/prediction-config.repository';
import { openDatabase } from '../src/database/data-source.factory';
import { benchDatabase } from './bench-database';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';
import { LocalOrchestrator } from '../src/local-orchestrator/local-orchestrator';
import { SILENT_LOGGER } from '../src/local-orchestrator/orchestrator-logger';
import { ModelRunnerService } from '../src/model-runner/model-runner.service';
import type { ModelCaller } from '../src/predict/predict.ports';
import { ModelRegistryRepository } from '../src/predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../src/predict/round/prediction-round.repository';
import { PredictionRoundService } from '../src/predict/round/prediction-round.service';

const BASE_CLASS = 'condorgame.tracker.TrackerBase';
const MODEL_DIR = resolve(__dirname, '..', '..', 'deployment', 'models', 'gaussian-ewma');

const competition: CompetitionDefinition = parseCompetitionDefinition({
  id: 'bench',
  feed: { adapter: 'synthetic', subjects: ['BTC'] },
  model: { baseClass: BASE_CLASS, callTimeoutMs: 60_000, maxPredictionBytes: 1_000_000, output: { kind: 'distributions' } },
  predictions: [{ asset: 'BTC', horizon: 3600, step: 60, interval: 720 }],
  scoring: { scorer: 'density-pdf' },
});

/** Child mode: host N inline models and print the WebSocket port. */
async function runOrchestrator(configPath: string): Promise<void> {
  const orchestrator = new LocalOrchestrator();
  const port = await orchestrator.start({
    crunchId: competition.id,
    wsPort: 0,
    modelsConfigPath: configPath,
    rescanIntervalMs: 0,
    logger: SILENT_LOGGER,
    baseClassName: BASE_CLASS,
    deployConcurrency: 64,
  });
  process.send!({ port });
  const profiler = new RoundProfiler(`orchestrator-${process.argv[4]}`);
  let profiling = Promise.resolve();
  process.on('message', async (message: string) => {
    if (message === 'profile-start') return void (profiling = profiling.then(() => profiler.start()));
    if (message === 'profile-stop') return void (profiling = profiling.then(() => profiler.stop()));
    await profiling;
    await orchestrator.stop();
    process.exit(0);
  });
}

/** CPU profile of the measured rounds (BENCH_CPU_PROFILE=dir), written as `<dir>/<name>.cpuprofile`. */
class RoundProfiler {
  private session?: Session;

  constructor(private readonly name: string) {}

  private post(method: string): Promise<any> {
    return new Promise((done, fail) => this.session!.post(method, (error, result) => (error ? fail(error) : done(result))));
  }

  async start(): Promise<void> {
    if (!process.env.BENCH_CPU_PROFILE) return;
    this.session = new Session();
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.start');
  }

  async stop(): Promise<void> {
    if (!this.session) return;
    const { profile } = await this.post('Profiler.stop');
    this.session.disconnect();
    this.session = undefined;
    const file = join(process.env.BENCH_CPU_PROFILE!, `${this.name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
  }
}

function startOrchestrator(models: number): Promise<{ child: ChildProcess; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-predict-'));
  const configPath = join(dir, 'models.yaml');
  const entries = Array.from({ length: models }, (_, i) => ({
    id: `m${i}`,
    name: `trivial-${i}`,
    cruncher_id: `c${i % 50}`,
    cruncher_name: `cruncher-${i % 50}`,
    desired_state: 'RUNNING',
    code_path: MODEL_DIR,
    language: 'javascript',
    isolation: 'inline',
  }));
  writeFileSync(configPath, stringify({ models: entries }));
  const child = fork(__filename, ['--orchestrator', configPath, String(models)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolvePort, reject) => {
    child.once('message', (m: { port: number }) => resolvePort({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`orchestrator exited with ${code}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function openBenchDatabase(): Promise<{ dataSource: DataSource; close: () => Promise<void>; engine: string }> {
  if (process.env.DATABASE_URL) {
    // A fresh database on that server for each size (dropped afterwards), so earlier runs' rounds never collide.
    const db = await benchDatabase('postgres');
    return { dataSource: db.dataSource, engine: 'postgres', close: db.close };
  }
  const embedded = await EmbeddedPostgres.start({});
  const dataSource = await openDatabase(embedded.url, { embedded: true });
  return { dataSource, engine: 'pglite', close: async () => (await dataSource.destroy(), await embedded.stop()) };
}

async function benchSize(models: number, rounds: number): Promise<void> {
  const db = await openBenchDatabase();
  const setupStarted = performance.now();
  const { child, port } = await startOrchestrator(models);
  const runner = new ModelRunnerService({ host: '127.0.0.1', port, crunchId: competition.id, baseClassName: BASE_CLASS, setupBackoffMs: 200 });
  try {
    await runner.start();
    const deadline = performance.now() + 600_000;
    while (runner.runningModels().length < models && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const setupMs = performance.now() - setupStarted;
    if (runner.runningModels().length < models) throw new Error(`only ${runner.runningModels().length}/${models} models came up`);

    const configs = new PredictionConfigRepository(db.dataSource);
    await new CompetitionSyncService(db.dataSource, competition, new CompetitionRepository(), configs).synced();
    const [config] = await configs.active(competition.id);
    // The round may call the fleet and insert in several pieces: the last answer's and the last
    // insert's times tell how much of the round is spent after the calls.
    let lastAnswerAt = 0;
    const timedCaller: ModelCaller = {
      membership$: runner.membership$,
      runningModels: () => runner.runningModels(),
      call: async (method, args, opts) => {
        try {
          return await runner.call(method, args, opts);
        } finally {
          lastAnswerAt = performance.now();
        }
      },
    };
    let insertMs = 0;
    const rounds$ = new PredictionRoundRepository(db.dataSource);
    const insert = rounds$.insertPredictions.bind(rounds$);
    rounds$.insertPredictions = async (...args) => {
      const began = performance.now();
      try {
        return await insert(...args);
      } finally {
        insertMs += performance.now() - began;
      }
    };
    const service = new PredictionRoundService(timedCaller, competition, rounds$, new ModelRegistryRepository(db.dataSource), new SystemClock());

    const latencies: number[] = [];
    const calls: number[] = [];
    const inserts: number[] = [];
    const cpuPerCallUs: number[] = [];
    const firstSlot = Math.floor(Date.now() / 1000) * 1000; // distinct slots on every run (a reused DATABASE_URL keeps old rounds)
    const profiler = new RoundProfiler(`coordinator-${models}`);
    for (let round = 0; round <= rounds; round++) {
      if (round === 1) {
        child.send('profile-start');
        await profiler.start();
      }
      const cpu = process.cpuUsage();
      insertMs = 0;
      const began = performance.now();
      const report = await service.run(config, new Date(firstSlot + round * 720_000));
      const elapsed = performance.now() - began;
      const used = process.cpuUsage(cpu);
      if (!report || report.counts.successCount !== models) {
        throw new Error(`round ${round}: ${JSON.stringify(report?.counts)} (expected ${models} successes)`);
      }
      if (round === 0) continue; // warm-up
      latencies.push(elapsed);
      calls.push(lastAnswerAt - began);
      inserts.push(insertMs);
      cpuPerCallUs.push((used.user + used.system) / models);
    }
    await profiler.stop();
    child.send('profile-stop');
    latencies.sort((a, b) => a - b);
    calls.sort((a, b) => a - b);
    inserts.sort((a, b) => a - b);
    cpuPerCallUs.sort((a, b) => a - b);
    console.log(
      `N=${String(models).padStart(5)} [${db.engine}] setup ${(setupMs / 1000).toFixed(1)} s | round p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(0)} ms (last answer at p50 ${percentile(calls, 50).toFixed(0)} ms, inserts p50 ${percentile(inserts, 50).toFixed(0)} ms in all) | ` +
        `coordinator CPU per call p50 ${percentile(cpuPerCallUs, 50).toFixed(0)} µs | ${rounds} rounds`,
    );
  } finally {
    await runner.stop();
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    await db.close();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--orchestrator') return runOrchestrator(process.argv[3]);
  Logger.overrideLogger(['error', 'warn']);
  const sizes = (process.argv[2] ?? '100,1000,5000').split(',').map(Number);
  const rounds = Number(process.argv[3] ?? 7);
  console.log(`predict round benchmark: ${rounds} rounds per size after one warm-up; hourly config (60 densities per model)`);
  for (const size of sizes) await benchSize(size, rounds);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
