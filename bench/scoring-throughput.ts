/**
 * Scoring throughput on one core: N predictions of the hourly reference config (horizon 3600,
 * step 60: 60 steps, each a two-component normal mixture), scored with density-pdf and crps.
 *
 *   npm run build && node dist/bench/scoring-throughput.js [N=20000]
 *
 * Payloads are built by JSON.parse, as the scoring worker receives them, and are all distinct so
 * nothing is cached between predictions. They are built and scored in batches of 1000 (a scoring
 * cycle's batch), only scoring being timed; `--all-live` instead builds all N first, which adds
 * the garbage-collection cost of millions of live payload objects; `--reuse` scores one batch of
 * 1000 over and over (the scorer's own cost, payloads hot in cache). "per CPU-second" divides by the
 * process's CPU time (including GC threads), which stays meaningful on a loaded machine.
 */
import { CrpsScorer } from '../src/score/scorers/builtin/crps.scorer';
import { DensityPdfScorer } from '../src/score/scorers/builtin/density-pdf.scorer';
import { Scorer, ScoreInput } from '../src/score/scorers/scorer';

const HORIZON = 3600;
const STEP = 60;
const STEPS = HORIZON / STEP;

/** Deterministic pseudo-random numbers (mulberry32) so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildPredictions(count: number, next: () => number): ScoreInput[] {
  const options = {};
  const inputs: ScoreInput[] = [];
  for (let i = 0; i < count; i++) {
    const steps = [];
    const truth: number[] = [];
    for (let k = 0; k < STEPS; k++) {
      const w = 0.5 + 0.4 * next();
      steps.push({
        type: 'mixture',
        components: [
          { density: { type: 'builtin', name: 'norm', params: { loc: (next() - 0.5) * 1e-4, scale: 5e-4 + 1e-3 * next() } }, weight: w },
          { density: { type: 'builtin', name: 'norm', params: { loc: 0, scale: 2e-3 + 3e-3 * next() } }, weight: 1 - w },
        ],
      });
      truth.push((next() - 0.5) * 4e-3);
    }
    const payload: unknown = JSON.parse(JSON.stringify(steps));
    inputs.push({ payload, truth, asset: 'BTC', horizon: HORIZON, step: STEP, options });
  }
  return inputs;
}

const BATCH = 1000;

/** Scores `count` predictions in batches built with the same seed for every scorer; times scoring only. */
type PayloadMode = 'batches' | 'all-live' | 'reuse';

function measure(scorer: Scorer, count: number, mode: PayloadMode): { perSecond: number; perCpuSecond: number; checksum: number } {
  const next = random(42);
  // Warm-up so the JIT has compiled the hot paths before timing.
  for (const input of buildPredictions(BATCH, random(7))) scorer.score(input);
  const fixed = mode === 'all-live' ? buildPredictions(count, next) : mode === 'reuse' ? buildPredictions(BATCH, next) : null;
  let checksum = 0;
  let nanoseconds = 0n;
  let cpuMicroseconds = 0;
  for (let done = 0; done < count; ) {
    const inputs = fixed ?? buildPredictions(Math.min(BATCH, count - done), next);
    const started = process.hrtime.bigint();
    const cpuStarted = process.cpuUsage();
    for (const input of inputs) {
      const outcome = scorer.score(input);
      if (!outcome.ok) throw new Error(`${scorer.name} failed: ${outcome.reason}`);
      checksum += outcome.value;
    }
    nanoseconds += process.hrtime.bigint() - started;
    const cpu = process.cpuUsage(cpuStarted);
    cpuMicroseconds += cpu.user + cpu.system;
    done += inputs.length;
  }
  return { perSecond: count / (Number(nanoseconds) / 1e9), perCpuSecond: count / (cpuMicroseconds / 1e6), checksum };
}

function main(): void {
  const mode: PayloadMode = process.argv.includes('--all-live') ? 'all-live' : process.argv.includes('--reuse') ? 'reuse' : 'batches';
  const countArgument = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const count = Number(countArgument ?? 20_000);
  if (!Number.isInteger(count) || count < 1) throw new Error(`N must be a positive integer, got ${countArgument}`);
  console.log(
    `${count} predictions, ${STEPS} steps each (2-component normal mixtures), one core, node ${process.version}` +
      (mode === 'all-live' ? ', all payloads live' : mode === 'reuse' ? `, one batch of ${BATCH} scored repeatedly` : `, fresh batches of ${BATCH}`),
  );
  for (const scorer of [new DensityPdfScorer(), new CrpsScorer()]) {
    const { perSecond, perCpuSecond, checksum } = measure(scorer, count, mode);
    console.log(
      `${scorer.name.padEnd(12)} ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} predictions/s wall, ` +
        `${Math.round(perCpuSecond).toLocaleString('en-US').padStart(9)} per CPU-second  ` +
        `(${Math.round(perSecond * STEPS).toLocaleString('en-US')} distributions/s, mean score ${(checksum / count).toPrecision(6)})`,
    );
  }
}

main();
