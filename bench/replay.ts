/**
 * A replay of the reference competition (competitions/condorgame.yaml: daily 86400/300 and hourly
 * 3600/60 configs, 4 assets, one-minute prices, its 8-day history window) with inline JS models
 * (`isolation: inline`), on seeded one-minute prices. MODEL=constant-normal (default: the trivial
 * load-benchmark model of deployment/models-bench, so the figures are the coordinator's) or
 * MODEL=baselines (gaussian-ewma and student-t in turn: the models' own compute included).
 *
 *   node -r ./test/support/register-typescript.js bench/replay.ts [DAYS=7] [MODELS=10]       # embedded PGlite (in memory)
 *   node -r ./test/support/register-typescript.js bench/replay.ts 1 100 --database postgres://postgres@127.0.0.1:5432/bench
 *
 * Prints the wall time (and the process's CPU time: steadier than wall on a shared machine),
 * simulated seconds per wall second, where the wall time goes (scoring cycles, model calls,
 * database outside both, other: they sum to the wall time, see src/replay/stage-timings.ts) and
 * the scoring cycles' throughput inside the replay (predictions scored per second of cycle time,
 * over every cycle and over the cycles that scored something). With --database (or
 * DATABASE_URL), the database must be empty of this competition (create a fresh one per run).
 * --statements also lists the SQL texts that took the most wall time (their waits for the
 * embedded session included, so concurrent statements share their time).
 */
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadCompetitionFile } from '../src/config/competition/competition.loader';
import { JsonLogger } from '../src/logging/json-logger';
import { PricePoint, ReplayPrices } from '../src/replay/prices/replay-prices';
import { ReplaySession } from '../src/replay/replay-session';
import { seededRandom } from '../src/cli/check/seeded-random';

const ROOT = path.resolve(__dirname, '..');
const DAY_MS = 86_400_000;
const START_PRICES: Record<string, number> = { BTC: 60000, ETH: 3000, SOL: 150, XAU: 2400 };
/** Annualised volatility of the walk: about crypto's. */
const VOLATILITY = 0.6;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { database: { type: 'string' }, statements: { type: 'boolean' } }, allowPositionals: true });
  const days = Number(positionals[0] ?? 7);
  const modelCount = Number(positionals[1] ?? 10);
  if (!(days > 0) || !(Number.isInteger(modelCount) && modelCount > 0)) throw new Error('usage: bench/replay.ts [DAYS > 0] [MODELS, a positive integer] [--database URL]');
  const databaseUrl = values.database ?? process.env.DATABASE_URL;
  const competition = { ...loadCompetitionFile(path.join(ROOT, 'competitions/condorgame.yaml')), id: 'bench-replay' };
  const fromMs = Date.UTC(2026, 0, 1);
  const range = { fromMs, toMs: fromMs + days * DAY_MS };
  const prices = minutePrices(competition.feed.subjects, fromMs - competition.feed.historySeconds * 1000, range.toMs);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-replay-'));
  const modelsFile = path.join(dir, 'models.yaml');
  fs.writeFileSync(modelsFile, modelsYaml(modelCount));
  console.log(`replay of ${competition.id}: ${days} days, ${modelCount} inline JS models (${process.env.MODEL === 'baselines' ? 'gaussian-ewma/student-t' : 'constant-normal'}), ${prices.count()} one-minute prices, ${databaseUrl ? 'PostgreSQL' : 'embedded PGlite'}`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const opened = performance.now();
  const session = await ReplaySession.open({ competition, range, prices, modelsFile, databaseUrl, logger: new JsonLogger('warn', pino.destination(2)), statementTimes: values.statements });
  try {
    if (session.notRunning.length > 0) throw new Error(`models not running: ${JSON.stringify(session.notRunning)}`);
    console.log(`app and models up in ${((performance.now() - opened) / 1000).toFixed(1)} s`);
    let lastLog = 0;
    // Wall and CPU time of each simulated day: later days cost more (more scored history), so a
    // longer range is extrapolated from the last day, not from the average.
    const dayEnds: Array<{ wallMs: number; cpuMs: number }> = [];
    const cpuBefore = process.cpuUsage();
    const summary = await session.run(
      () => false,
      (p) => {
        if (p.simulatedMs >= (dayEnds.length + 1) * DAY_MS) {
          const cpu = process.cpuUsage(cpuBefore);
          dayEnds.push({ wallMs: p.wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
        }
        if (p.wallMs - lastLog < 10_000) return;
        lastLog = p.wallMs;
        console.log(`  ${(p.simulatedMs / DAY_MS).toFixed(2)} days, ${p.rounds} rounds, ${(p.simulatedMs / p.wallMs).toFixed(0)}x`);
      },
    );
    const cpu = process.cpuUsage(cpuBefore);
    const s = summary.stages;
    const wallS = summary.wallMs / 1000;
    const share = (ms: number) => `${(ms / 1000).toFixed(1).padStart(6)} s ${`${((100 * ms) / summary.wallMs).toFixed(0)} %`.padStart(5)}`;
    const perMinute = (ms: number) => `${(ms / ((days * DAY_MS) / 60_000)).toFixed(2)} ms per simulated minute`;
    const rate = (n: number, ms: number) => (n / Math.max(ms / 1000, 1e-9)).toFixed(0);
    console.log(`wall ${wallS.toFixed(1)} s (${perMinute(summary.wallMs)}) for ${days} simulated days: ${((days * 86_400) / wallS).toFixed(0)} simulated s per wall s`);
    console.log(`cpu  ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)}, system ${(cpu.system / 1e6).toFixed(1)}); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`  scoring cycles  ${share(s.scoring)}  ${s.scoreCycles} cycles, ${(s.scoring / Math.max(s.scoreCycles, 1)).toFixed(1)} ms each; ${(s.scoringDatabase / 1000).toFixed(1)} s of it with a query in flight`);
    console.log(`  model calls     ${share(s.modelCalls)}  outside scoring cycles`);
    console.log(`  database        ${share(s.database)}  outside both (rounds, ticks, feed)`);
    console.log(`  other           ${share(s.other)}  jobs' own code, clock, progress`);
    console.log(`  (database busy  ${share(s.databaseBusy)}  a query in flight, whatever else ran)`);
    console.log(
      `scoring throughput: ${s.scoredPredictions} predictions, ${rate(s.scoredPredictions, s.scoring)} predictions/s of cycle time; ` +
        `${rate(s.scoredPredictions, s.scoringCyclesMs)}/s in the ${s.scoringCycles} cycles that scored (${(s.scoredPredictions / Math.max(s.scoringCycles, 1)).toFixed(0)} predictions, ${(s.scoringCyclesMs / Math.max(s.scoringCycles, 1)).toFixed(1)} ms each)`,
    );
    const minutes = (days * DAY_MS) / 60_000;
    console.log(`per simulated minute: ${(s.queries / minutes).toFixed(1)} queries, ${(s.modelCallFanouts / minutes).toFixed(2)} model call fan-outs to ${modelCount} models`);
    dayEnds.forEach((end, i) => {
      const before = dayEnds[i - 1] ?? { wallMs: 0, cpuMs: 0 };
      console.log(`day ${i + 1}: wall ${((end.wallMs - before.wallMs) / 1000).toFixed(1)} s, cpu ${((end.cpuMs - before.cpuMs) / 1000).toFixed(1)} s`);
    });
    if (summary.statements.length > 0) console.log('statements by wall time (ms, count, ms each, SQL):');
    for (const st of summary.statements) console.log(`${st.ms.toFixed(0).padStart(8)} ${String(st.count).padStart(7)} ${(st.ms / st.count).toFixed(2).padStart(6)}  ${st.sql.slice(0, 100)}`);
    console.log('largest tables (bytes with indexes, live rows, dead rows):');
    for (const t of await session.largestTables(8)) console.log(`${(t.bytes / 1024).toFixed(0).padStart(8)} KiB ${String(t.liveRows).padStart(9)} ${String(t.deadRows).padStart(8)}  ${t.table}`);
    console.log(`rounds ${await session.results.roundCount()}`);
  } finally {
    await session.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One-minute closes of a seeded geometric random walk per subject. */
function minutePrices(subjects: string[], fromMs: number, toMs: number): ReplayPrices {
  const points = new Map<string, PricePoint[]>();
  const sigma = VOLATILITY * Math.sqrt(60 / (365 * 86_400));
  subjects.forEach((subject, index) => {
    const random = seededRandom(1000 + index);
    let price = START_PRICES[subject] ?? 100;
    const list: PricePoint[] = [];
    for (let ts = fromMs; ts <= toMs; ts += 60_000) {
      // Box-Muller from two uniforms.
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      price *= Math.exp(sigma * normal);
      list.push({ ts, price });
    }
    points.set(subject, list);
  });
  return new ReplayPrices(points);
}

function modelsYaml(count: number): string {
  const code = process.env.MODEL === 'baselines' ? ['models/gaussian-ewma', 'models/student-t'] : ['models-bench/constant-normal'];
  const lines = ['defaults: { isolation: inline }', 'models:'];
  for (let i = 1; i <= count; i++) {
    const codePath = code[(i - 1) % code.length];
    lines.push(`  - { id: "${i}", name: ${path.basename(codePath)}-${i}, cruncher_id: cruncher-${i}, cruncher_name: team-${i}, desired_state: RUNNING, code_path: ${path.join(ROOT, 'deployment', codePath)}, language: javascript }`);
  }
  return `${lines.join('\n')}\n`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
