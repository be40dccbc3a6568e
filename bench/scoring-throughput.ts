/**
 * Scoring throughput on one core: N predictions of the hourly reference config (horizon 3600,
 * step 60: 60 steps, each a two-component normal mixture), scored with density-pdf and crps; and
 * N multi-resolution predictions of the Synth game's 1h profile (horizon 3600 at steps
 * 60/300/900/1800/3600: 79 mixtures of price differences), scored with synth-crps.
 *
 *   npm run build && node dist/bench/scoring-throughput.js [N=20000]
 *
 * Payloads are built by JSON.parse, as the scoring worker receives them, and are all distinct so
 * nothing is cached between predictions. They are built and scored in batches of 1000 (a scoring
 * cycle's batch), only scoring being timed; `--all-live` instead builds all N first, which adds
 * the garbage-collection cost of millions of live payload objects; `--reuse` scores one batch of
 * 1000 over and over (the scorer's own cost, payloads hot in cache). "per CPU-second" divides by the
 * process's CPU time (including GC threads), which stays meaningful on a loaded machine.
 *
 *   node dist/bench/scoring-throughput.js [N] --stored   # from the stored payload: JSON text vs compact form
 *
 * `--stored` times what a scoring cycle does per read prediction (`scorePrediction`): from the
 * payload as it is stored, the JSON text (JSON.parse, then the scorer) or the compact form
 * (density-payload-codec.ts: the density scorers read its numbers), with density-pdf and crps.
 */
import { CrpsScorer } from '../src/score/scorers/builtin/crps.scorer';
import { DensityPdfScorer } from '../src/score/scorers/builtin/density-pdf.scorer';
import { SynthCrpsScorer } from '../src/score/scorers/builtin/synth-crps.scorer';
import { Scorer, ScoreInput } from '../src/score/scorers/scorer';
import { seededRandom } from '../src/cli/check/seeded-random';
import { encodePayload } from '../src/predict/round/density-payload-codec';
import type { ClaimedPrediction } from '../src/predict/round/prediction-round';
import { RoundScoringRules, scorePrediction } from '../src/score/round-scoring';
import { ScorerRegistry } from '../src/score/scorers/scorer.registry';

const HORIZON = 3600;
const STEP = 60;
const STEPS = HORIZON / STEP;
/** The Synth game's 1h profile. */
const SYNTH_STEPS = [60, 300, 900, 1800, 3600];
const SYNTH_DISTRIBUTIONS = SYNTH_STEPS.reduce((n, step) => n + HORIZON / step, 0);

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

/** BTC 1h-profile answers of predict_all: per step, mixtures of price differences (T = 1500). */
function buildSynthPredictions(count: number, next: () => number): ScoreInput[] {
  const options = {};
  const inputs: ScoreInput[] = [];
  for (let i = 0; i < count; i++) {
    const answer: Record<string, unknown[]> = {};
    const resolutions = SYNTH_STEPS.map((step) => {
      const scale = 40 * Math.sqrt(step / 60);
      const specs: unknown[] = [];
      const truth: number[] = [];
      for (let k = 0; k < HORIZON / step; k++) {
        const w = 0.5 + 0.4 * next();
        specs.push({
          type: 'mixture',
          components: [
            { density: { type: 'builtin', name: 'norm', params: { loc: (next() - 0.5) * scale * 0.1, scale: scale * (0.5 + next()) } }, weight: w },
            { density: { type: 'builtin', name: 'norm', params: { loc: 0, scale: scale * (1.5 + next()) } }, weight: 1 - w },
          ],
          step: (k + 1) * step,
        });
        truth.push((next() - 0.5) * 2 * scale);
      }
      answer[String(step)] = specs;
      return { step, truth };
    });
    const payload: unknown = JSON.parse(JSON.stringify(answer));
    inputs.push({ payload, truth: resolutions[0].truth, asset: 'BTC', horizon: HORIZON, step: SYNTH_STEPS[0], options, resolutions });
  }
  return inputs;
}

const BATCH = 1000;

/** Scores `count` predictions in batches built with the same seed for every scorer; times scoring only. */
type PayloadMode = 'batches' | 'all-live' | 'reuse';

function measure(
  scorer: Scorer,
  count: number,
  mode: PayloadMode,
  build: (count: number, next: () => number) => ScoreInput[],
): { perSecond: number; perCpuSecond: number; checksum: number } {
  const next = seededRandom(42);
  // Warm-up so the JIT has compiled the hot paths before timing.
  for (const input of build(BATCH, seededRandom(7))) scorer.score(input);
  const fixed = mode === 'all-live' ? build(count, next) : mode === 'reuse' ? build(BATCH, next) : null;
  let checksum = 0;
  let nanoseconds = 0n;
  let cpuMicroseconds = 0;
  for (let done = 0; done < count; ) {
    const inputs = fixed ?? build(Math.min(BATCH, count - done), next);
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

/** Per read prediction as a cycle scores it, from its stored payload: JSON text or compact form. */
function measureStored(count: number): void {
  const build = (n: number, seed: number) =>
    buildPredictions(n, seededRandom(seed)).map((input, i) => {
      const text = JSON.stringify(input.payload);
      const compact = encodePayload(text);
      if (compact === null) throw new Error('the reference payload was not stored compact');
      const prediction = (stored: Pick<ClaimedPrediction, 'payloadJson' | 'payloadCompact'>): ClaimedPrediction => ({
        id: `p${i}`, roundId: 'r', modelId: `m${i}`, asset: 'BTC', horizon: HORIZON, step: STEP, status: 'SUCCESS',
        failureReason: null, performedAtMs: i, resolvableAtMs: i + HORIZON * 1000, ...stored,
      });
      return { truth: { ok: true as const, values: input.truth }, text: prediction({ payloadJson: text }), compact: prediction({ payloadJson: null, payloadCompact: compact }) };
    });
  const registry = new ScorerRegistry();
  for (const scorer of ['density-pdf', 'crps']) {
    const rules: RoundScoringRules = { penalty: { policy: 'batch-min', cap: null }, direction: 'higher', options: {}, score: (input) => registry.score(scorer, input) };
    for (const form of ['text', 'compact'] as const) {
      for (const warm of build(BATCH, 7)) scorePrediction(warm[form], () => warm.truth, rules);
      const next = seededRandom(42);
      let cpuMicroseconds = 0;
      let checksum = 0;
      for (let done = 0; done < count; done += BATCH) {
        const batch = build(Math.min(BATCH, count - done), Math.floor(next() * 1e9));
        const cpuStarted = process.cpuUsage();
        for (const p of batch) {
          const outcome = scorePrediction(p[form], () => p.truth, rules);
          if (!outcome.ok) throw new Error(`${scorer} failed: ${outcome.reason}`);
          checksum += outcome.value;
        }
        const cpu = process.cpuUsage(cpuStarted);
        cpuMicroseconds += cpu.user + cpu.system;
      }
      console.log(
        `${scorer.padEnd(12)} from ${form.padEnd(7)} ${Math.round(count / (cpuMicroseconds / 1e6)).toLocaleString('en-US').padStart(9)} predictions per CPU-second ` +
          `(mean score ${(checksum / count).toPrecision(6)})`,
      );
    }
  }
}

function main(): void {
  if (process.argv.includes('--stored')) {
    const countArgument = process.argv.slice(2).find((a) => !a.startsWith('--'));
    const count = Number(countArgument ?? 20_000);
    if (!Number.isInteger(count) || count < 1) throw new Error(`N must be a positive integer, got ${countArgument}`);
    console.log(`${count} predictions, ${STEPS} steps each (2-component normal mixtures), one core, node ${process.version}, from the stored payload`);
    measureStored(count);
    return;
  }
  const mode: PayloadMode = process.argv.includes('--all-live') ? 'all-live' : process.argv.includes('--reuse') ? 'reuse' : 'batches';
  const countArgument = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const count = Number(countArgument ?? 20_000);
  if (!Number.isInteger(count) || count < 1) throw new Error(`N must be a positive integer, got ${countArgument}`);
  console.log(
    `${count} predictions, ${STEPS} steps each (2-component normal mixtures), one core, node ${process.version}` +
      (mode === 'all-live' ? ', all payloads live' : mode === 'reuse' ? `, one batch of ${BATCH} scored repeatedly` : `, fresh batches of ${BATCH}`),
  );
  const cases: Array<{ scorer: Scorer; build: (count: number, next: () => number) => ScoreInput[]; distributions: number }> = [
    { scorer: new DensityPdfScorer(), build: buildPredictions, distributions: STEPS },
    { scorer: new CrpsScorer(), build: buildPredictions, distributions: STEPS },
    { scorer: new SynthCrpsScorer(), build: buildSynthPredictions, distributions: SYNTH_DISTRIBUTIONS },
  ];
  for (const { scorer, build, distributions } of cases) {
    if (scorer.multiResolution) console.log(`multi-resolution: steps ${SYNTH_STEPS.join('/')} of horizon ${HORIZON} (${distributions} distributions each)`);
    const { perSecond, perCpuSecond, checksum } = measure(scorer, count, mode, build);
    console.log(
      `${scorer.name.padEnd(12)} ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} predictions/s wall, ` +
        `${Math.round(perCpuSecond).toLocaleString('en-US').padStart(9)} per CPU-second  ` +
        `(${Math.round(perSecond * distributions).toLocaleString('en-US')} distributions/s, mean score ${(checksum / count).toPrecision(6)})`,
    );
  }
}

main();
