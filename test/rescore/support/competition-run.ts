import type { DataSource } from 'typeorm';
import { VirtualClock } from '../../../src/clock/clock';
import type { CompetitionDefinition } from '../../../src/config/competition/competition.types';
import { normalSpecs, PredictionLedger, PredictionRowInput, RoundInput } from '../../score/support/prediction-ledger';
import { PriceTable } from '../../score/support/price-table';
import { competitionFixture } from '../../score/support/competition-fixture';
import { RescoreApp, startRescoreApp } from './rescore-harness';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 0, 1);
export const PARAMS = ['BTC-3600-300', 'ETH-3600-300'] as const;
export const ROUND_HOURS = [0, 1, 2, 3, 4, 5, 6, 7];
/** Cycles on the hour, after each round's resolvable_at, then two more. */
export const CYCLE_HOURS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export function rescoreCompetition(scorer = 'density-pdf'): CompetitionDefinition {
  return competitionFixture({
    scorer,
    params: [
      { asset: 'BTC', horizon: 3600, step: 300 },
      { asset: 'ETH', horizon: 3600, step: 300 },
    ],
  });
}

/**
 * The rounds of the scenario: models a and b answer (different widths), c fails every other
 * round, d answers only the BTC rounds of hours 2 and 4 (so voiding hour 2 moves its first scored bucket).
 */
export function scenarioRound(param: (typeof PARAMS)[number], h: number): RoundInput {
  const predictions: PredictionRowInput[] = [
    { modelId: 'a', status: 'SUCCESS', payload: normalSpecs(12, 0, 0.003 + h * 0.0001) },
    { modelId: 'b', status: 'SUCCESS', payload: normalSpecs(12, 0.0002, 0.002) },
    h % 2 === 0 ? { modelId: 'c', status: 'FAILED', payload: null, failureReason: 'model crashed' } : { modelId: 'c', status: 'SUCCESS', payload: normalSpecs(12, -0.0003, 0.004) },
  ];
  if (param === 'BTC-3600-300' && (h === 2 || h === 4)) predictions.push({ modelId: 'd', status: 'SUCCESS', payload: normalSpecs(12, 0, 0.0025) });
  return { param, performedAtMs: T0 + h * HOUR, predictions };
}

export interface CompetitionRun {
  app: RescoreApp;
  clock: VirtualClock;
  /** Round id by `param@hour`. */
  roundIds: Map<string, string>;
}

/**
 * Writes the scenario's rounds (all but `skip`) into `ds` and scores them with hourly cycles;
 * `beforeCycle` runs before the cycle of that hour (e.g. a void in the middle of the run).
 */
export async function runCompetition(
  ds: DataSource,
  competition: CompetitionDefinition,
  opts: { skip?: (param: string, h: number) => boolean; beforeCycle?: (h: number, run: CompetitionRun) => Promise<void>; cycleHours?: number[]; roundsPerBatch?: number } = {},
): Promise<CompetitionRun> {
  await ds.query(`TRUNCATE predictions, prediction_rounds, prediction_configs, models, score_buckets, score_coverage, score_snapshots, score_commitments, leaderboards, admin_jobs, competitions CASCADE`);
  const clock = new VirtualClock(T0);
  const ledger = new PredictionLedger(ds, competition);
  await ledger.setup();
  for (const m of ['a', 'b', 'c', 'd']) await ledger.addModel(m);
  const rounds = PARAMS.flatMap((param) => ROUND_HOURS.filter((h) => !opts.skip?.(param, h)).map((h) => ({ key: `${param}@${h}`, round: scenarioRound(param, h) })));
  const ids = await ledger.addRounds(rounds.map((r) => r.round));
  const roundIds = new Map(rounds.map((r, i) => [r.key, ids[i]]));
  const app = await startRescoreApp(ds, competition, clock, new PriceTable(() => clock.nowMs()), { roundsPerBatch: opts.roundsPerBatch });
  const run = { app, clock, roundIds };
  for (const h of opts.cycleHours ?? CYCLE_HOURS) {
    await clock.advanceTo(T0 + h * HOUR);
    await opts.beforeCycle?.(h, run);
    await app.cycles.runCycle();
  }
  return run;
}

/** Everything the windows are made of, read back to compare two runs. */
export interface WindowState {
  buckets: Array<{ model_id: string; param: string; bucket_start: string; score_sum: number; score_count: number; failed_count: number }>;
  coverage: Array<{ model_id: string; param: string; first_bucket_start: string }>;
  snapshots: Array<{ performed_at: string; model_id: string; windows: Record<string, { value: number | null; count: number; failed: number; complete: boolean }> }>;
  leaderboards: Array<{ created_at: string; entries: Array<{ rank: number | null; model_id: string; score_anchor: number | null; score_recent: number | null; previous_rank: number | null }> }>;
  commitments: Array<{ cycle_at: string; leaf_count: number; previous_root: string | null; chained_root: string }>;
}

export async function windowState(ds: DataSource): Promise<WindowState> {
  const iso = (d: Date) => d.toISOString();
  const buckets = await ds.query(`SELECT model_id, param, bucket_start, score_sum, score_count, failed_count FROM score_buckets ORDER BY model_id, param, bucket_start`);
  const coverage = await ds.query(`SELECT model_id, param, first_bucket_start FROM score_coverage ORDER BY model_id, param`);
  const snapshots = await ds.query(`SELECT performed_at, model_id, windows FROM score_snapshots ORDER BY performed_at, model_id`);
  const boards = await ds.query(`SELECT created_at, entries FROM leaderboards ORDER BY created_at`);
  const commitments = await ds.query(`SELECT cycle_at, leaf_count, previous_root, chained_root FROM score_commitments ORDER BY cycle_at`);
  return {
    buckets: buckets.map((b: { bucket_start: Date }) => ({ ...b, bucket_start: iso(b.bucket_start) })),
    coverage: coverage.map((c: { first_bucket_start: Date }) => ({ ...c, first_bucket_start: iso(c.first_bucket_start) })),
    snapshots: snapshots.map((s: { performed_at: Date }) => ({ ...s, performed_at: iso(s.performed_at) })),
    leaderboards: boards.map((b: { created_at: Date; entries: Array<Record<string, unknown>> }) => ({
      created_at: iso(b.created_at),
      entries: b.entries.map((e) => ({ rank: e.rank, model_id: e.model_id, score_anchor: e.score_anchor, score_recent: e.score_recent, previous_rank: e.previous_rank })),
    })),
    commitments: commitments.map((c: { cycle_at: Date }) => ({ ...c, cycle_at: iso(c.cycle_at) })),
  } as WindowState;
}

/** Two runs have the same windows: same rows and counts, sums equal to rounding (they were added in another order). */
export function expectSameWindows(actual: WindowState, expected: WindowState): void {
  const close = (a: number | null, b: number | null) => {
    if (a === null || b === null) expect(a).toBe(b);
    else expect(a).toBeCloseTo(b, 9);
  };
  expect(actual.buckets.map(({ score_sum: _, ...key }) => key)).toEqual(expected.buckets.map(({ score_sum: _, ...key }) => key));
  actual.buckets.forEach((b, i) => close(b.score_sum, expected.buckets[i].score_sum));
  expect(actual.coverage).toEqual(expected.coverage);
  expect(actual.snapshots.map((s) => [s.performed_at, s.model_id])).toEqual(expected.snapshots.map((s) => [s.performed_at, s.model_id]));
  actual.snapshots.forEach((s, i) => {
    const e = expected.snapshots[i];
    expect(Object.keys(s.windows).sort()).toEqual(Object.keys(e.windows).sort());
    for (const [name, w] of Object.entries(s.windows)) {
      expect([w.count, w.failed, w.complete]).toEqual([e.windows[name].count, e.windows[name].failed, e.windows[name].complete]);
      close(w.value, e.windows[name].value);
    }
  });
  expect(actual.leaderboards.map((b) => b.created_at)).toEqual(expected.leaderboards.map((b) => b.created_at));
  actual.leaderboards.forEach((b, i) => {
    const e = expected.leaderboards[i];
    expect(b.entries.map((x) => [x.rank, x.model_id, x.previous_rank])).toEqual(e.entries.map((x) => [x.rank, x.model_id, x.previous_rank]));
    b.entries.forEach((x, j) => {
      close(x.score_anchor, e.entries[j].score_anchor);
      close(x.score_recent, e.entries[j].score_recent);
    });
  });
  expect(actual.commitments.map((c) => [c.cycle_at, c.leaf_count])).toEqual(expected.commitments.map((c) => [c.cycle_at, c.leaf_count]));
  // The chain holds: each commitment names the one before it.
  actual.commitments.forEach((c, i) => expect(c.previous_root).toBe(i === 0 ? null : actual.commitments[i - 1].chained_root));
}
