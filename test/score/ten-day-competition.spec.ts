import { VirtualClock } from '../../src/clock/clock';
import type { LeaderboardEntry } from '../../src/leaderboard/leaderboard-entry';
import { describeEachEngine } from '../support/test-database';
import { competitionFixture } from './support/competition-fixture';
import { normalPdf, normalSpecs, PredictionLedger, PredictionRowInput, RoundInput } from './support/prediction-ledger';
import { PriceTable } from './support/price-table';
import { startScoring, ScoringApp } from './support/scoring-harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);
const STEPS = 12; // horizon 3600 s, step 300 s
const WINDOWS = [
  { name: 'recent', seconds: 86400 },
  { name: 'steady', seconds: 3 * 86400 },
  { name: 'anchor', seconds: 7 * 86400 },
];
/** The documented bucket size for 1/3/7-day windows. */
const BUCKET = HOUR;

const HOSTILE_PAYLOADS: unknown[] = [
  'not a list of densities',
  normalSpecs(STEPS, 0, -1),
  normalSpecs(STEPS - 1, 0, 0.003),
  Array.from({ length: STEPS }, () => nest(12)),
  JSON.parse('{"__proto__": {"polluted": true}}'),
  Array.from({ length: STEPS }, () => null),
  Array.from({ length: STEPS }, () => ({ type: 'mixture', components: [{ density: { type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.01 } }, weight: -1 }] })),
  Array.from({ length: STEPS }, () => ({ type: 'builtin', name: 'constructor', params: { loc: 0, scale: 1 } })),
];

function nest(depth: number): unknown {
  return depth === 0 ? { type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.01 } } : { type: 'mixture', components: [{ density: nest(depth - 1), weight: 1 }] };
}

/** The five deterministic models: what each answers to round h (hour index) of a parameter set. */
function answer(modelId: string, h: number): PredictionRowInput | null {
  switch (modelId) {
    case 'good':
      return { modelId, status: 'SUCCESS', payload: normalSpecs(STEPS, 0, 0.003) };
    case 'bad':
      return { modelId, status: 'SUCCESS', payload: normalSpecs(STEPS, 0.004, 0.001) };
    case 'flaky':
      if (h % 5 === 1) return { modelId, status: 'FAILED', payload: null, failureReason: 'ValueError: boom\nTraceback (most recent call last):\n  File "model.py", line 3' };
      if (h % 11 === 3) return { modelId, status: 'TIMEOUT', payload: null, failureReason: 'deadline exceeded' };
      if (h % 13 === 4) return { modelId, status: 'ABSENT', payload: null };
      if (h % 7 === 2) return { modelId, status: 'SUCCESS', payload: HOSTILE_PAYLOADS[h % HOSTILE_PAYLOADS.length] };
      return { modelId, status: 'SUCCESS', payload: normalSpecs(STEPS, 0, 0.004) };
    case 'joiner': // joins at day 3.5
      return h >= 84 ? { modelId, status: 'SUCCESS', payload: normalSpecs(STEPS, 0.0002, 0.0025) } : null;
    case 'leaver': // leaves at day 6
      return h < 144 ? { modelId, status: 'SUCCESS', payload: normalSpecs(STEPS, 0, 0.002) } : null;
  }
  return null;
}
const MODELS = ['good', 'bad', 'flaky', 'joiner', 'leaver'];
const PARAMS = [
  { asset: 'BTC', offsetMs: 0 },
  { asset: 'ETH', offsetMs: HOUR / 2 },
];

// ---- The independent computation: plain TS over the predictions table ----

interface StoredPrediction {
  id: string;
  round_id: string;
  model_id: string;
  asset: string;
  horizon: number;
  step: number;
  status: string;
  payload: unknown;
  performed_at: Date;
  resolvable_at: Date;
  score_value: number | null;
  score_success: boolean | null;
  score_failed_reason: string | null;
  scored_at: Date | null;
}

/** Mean normal pdf if the payload is exactly STEPS well-formed `norm` specs, else null (a failure). */
function expectedSuccessScore(p: StoredPrediction, prices: PriceTable): number | null {
  if (p.status !== 'SUCCESS' || !Array.isArray(p.payload) || p.payload.length !== p.horizon / p.step) return null;
  const truth = prices.expectedValues({ subject: p.asset, performedAtMs: p.performed_at.getTime(), horizon: p.horizon, step: p.step });
  let sum = 0;
  for (let k = 0; k < p.payload.length; k++) {
    const spec = p.payload[k] as { type?: unknown; name?: unknown; params?: { loc?: unknown; scale?: unknown } } | null;
    if (!spec || spec.type !== 'builtin' || spec.name !== 'norm' || typeof spec.params?.loc !== 'number' || typeof spec.params?.scale !== 'number' || !(spec.params.scale > 0)) {
      return null;
    }
    sum += normalPdf(truth[k], spec.params.loc, spec.params.scale);
  }
  return sum / p.payload.length;
}

/** Seed rule with no cap: a failure scores the worst (minimum) successful score of its round. */
function expectedScores(rows: StoredPrediction[], prices: PriceTable): Map<string, { value: number | null; success: boolean }> {
  const byRound = new Map<string, StoredPrediction[]>();
  for (const r of rows) byRound.set(r.round_id, [...(byRound.get(r.round_id) ?? []), r]);
  const result = new Map<string, { value: number | null; success: boolean }>();
  for (const round of byRound.values()) {
    const scores = round.map((p) => expectedSuccessScore(p, prices));
    const successes = scores.filter((s): s is number => s !== null);
    const penalty = successes.length ? Math.min(...successes) : null;
    round.forEach((p, i) => result.set(p.id, scores[i] === null ? { value: penalty, success: false } : { value: scores[i], success: true }));
  }
  return result;
}

interface ExpectedWindow {
  value: number | null;
  count: number;
  failed: number;
  complete: boolean;
  params?: number;
}

function expectedStandings(rows: StoredPrediction[], scores: Map<string, { value: number | null; success: boolean }>, nowMs: number) {
  const floorBucket = (ms: number) => Math.floor(ms / BUCKET) * BUCKET;
  const standings = new Map<string, { windows: Record<string, ExpectedWindow>; params: Map<string, Record<string, ExpectedWindow>> }>();
  for (const modelId of MODELS) {
    const mine = rows.filter((r) => r.model_id === modelId && r.resolvable_at.getTime() <= nowMs);
    if (mine.length === 0) continue;
    const first = floorBucket(Math.min(...mine.map((r) => r.resolvable_at.getTime())));
    const params = new Map<string, Record<string, ExpectedWindow>>();
    const windows: Record<string, ExpectedWindow> = {};
    const paramKeys = [...new Set(mine.map((r) => `${r.asset}-${r.horizon}-${r.step}`))];
    for (const w of WINDOWS) {
      const start = floorBucket(nowMs - w.seconds * 1000);
      const perParam = paramKeys.map((key) => {
        const of = mine.filter((r) => `${r.asset}-${r.horizon}-${r.step}` === key);
        const inWindow = of.filter((r) => r.resolvable_at.getTime() >= start);
        const values = inWindow.map((r) => scores.get(r.id)!.value).filter((v): v is number => v !== null);
        const paramFirst = floorBucket(Math.min(...of.map((r) => r.resolvable_at.getTime())));
        const ws: ExpectedWindow = {
          value: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
          count: values.length,
          failed: inWindow.filter((r) => !scores.get(r.id)!.success).length,
          complete: paramFirst <= start,
        };
        params.set(key, { ...(params.get(key) ?? {}), [w.name]: ws });
        return ws;
      });
      const withValue = perParam.filter((p) => p.value !== null);
      windows[w.name] = {
        value: withValue.length ? withValue.reduce((a, p) => a + (p.value as number), 0) / withValue.length : null,
        count: perParam.reduce((a, p) => a + p.count, 0),
        failed: perParam.reduce((a, p) => a + p.failed, 0),
        complete: first <= start,
        params: withValue.length,
      };
    }
    if (Object.values(windows).some((w) => w.count > 0 || w.failed > 0)) standings.set(modelId, { windows, params });
  }
  return standings;
}

function expectWindow(actual: { value: number | null; count: number; failed: number; complete: boolean; params?: number }, expected: ExpectedWindow, label: string) {
  if (expected.value === null) expect([label, actual.value]).toEqual([label, null]);
  else {
    expect(actual.value).not.toBeNull();
    expect([label, Math.abs((actual.value as number) - expected.value) <= 1e-9 * Math.max(1, Math.abs(expected.value))]).toEqual([label, true]);
  }
  expect([label, actual.count, actual.failed, actual.complete]).toEqual([label, expected.count, expected.failed, expected.complete]);
  if (expected.params !== undefined) expect([label, actual.params]).toEqual([label, expected.params]);
}

describeEachEngine('a ten-day competition scored by real cycles', (db) => {
  let app: ScoringApp;
  let clock: VirtualClock;
  let prices: PriceTable;
  const competition = competitionFixture({
    params: PARAMS.map((p) => ({ asset: p.asset, horizon: 3600, step: 300 })),
    penalty: { policy: 'batch-min', cap: null },
    windows: WINDOWS,
  });

  beforeAll(async () => {
    const ds = db().dataSource;
    clock = new VirtualClock(T0);
    prices = new PriceTable(() => clock.nowMs());
    const ledger = new PredictionLedger(ds, competition);
    await ledger.setup();
    for (const id of ['good', 'bad', 'flaky', 'leaver']) await ledger.addModel(id);
    const rounds: RoundInput[] = [];
    for (let h = 0; h < 240; h++) {
      for (const p of PARAMS) {
        const predictions = MODELS.map((m) => answer(m, h)).filter((x): x is PredictionRowInput => x !== null);
        rounds.push({ param: `${p.asset}-3600-300`, performedAtMs: T0 + h * HOUR + p.offsetMs, predictions });
      }
    }
    await ledger.addRounds(rounds);
    app = await startScoring(ds, competition, clock, prices);

    await clock.advanceTo(T0 + 84 * HOUR);
    await ledger.addModel('joiner');
    await clock.advanceTo(T0 + 144 * HOUR);
    await ledger.markLeft('leaver', clock.nowMs());
    await clock.advanceTo(T0 + 242 * HOUR);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
  });

  const storedPredictions = async (): Promise<StoredPrediction[]> =>
    db().dataSource.query(`SELECT id, round_id, model_id, asset, horizon, step, status, payload, performed_at, resolvable_at,
                                  score_value, score_success, score_failed_reason, scored_at FROM predictions_with_scores`);

  it('scores every prediction exactly once, as the independent computation does, with short reasons', async () => {
    const rows = await storedPredictions();
    const expected = expectedScores(rows, prices);
    expect(rows.length).toBe(240 * 2 * 5 - 2 * 84 - 2 * 96);
    for (const r of rows) {
      const e = expected.get(r.id)!;
      expect(r.scored_at).not.toBeNull();
      expect([r.id, r.score_success]).toEqual([r.id, e.success]);
      if (e.value === null) expect(r.score_value).toBeNull();
      else expect(Math.abs((r.score_value as number) - e.value)).toBeLessThanOrEqual(1e-9 * Math.max(1, e.value));
      if (!e.success) {
        expect(r.score_failed_reason).toEqual(expect.any(String));
        expect(r.score_failed_reason!.length).toBeLessThanOrEqual(200);
        expect(r.score_failed_reason).not.toMatch(/\n|Traceback/);
      } else expect(r.score_failed_reason).toBeNull();
    }
    // The hostile payloads really were exercised and failed rather than breaking the cycle.
    expect(rows.filter((r) => r.model_id === 'flaky' && r.status === 'SUCCESS' && r.score_success === false).length).toBeGreaterThan(20);
  });

  it('stores final snapshots whose every window matches a recomputation from the predictions table', async () => {
    const rows = await storedPredictions();
    const nowMs = clock.nowMs();
    const expected = expectedStandings(rows, expectedScores(rows, prices), nowMs);
    const snapshots: Array<{ model_id: string; score_recent: number | null; score_steady: number | null; score_anchor: number | null; windows: any; params: any[] }> =
      await db().dataSource.query(`SELECT model_id, score_recent, score_steady, score_anchor, windows, params FROM score_snapshots WHERE performed_at = $1`, [new Date(nowMs)]);
    expect(snapshots.map((s) => s.model_id).sort()).toEqual([...expected.keys()].sort());
    for (const s of snapshots) {
      const e = expected.get(s.model_id)!;
      for (const w of WINDOWS) {
        expectWindow(s.windows[w.name], e.windows[w.name], `${s.model_id} ${w.name}`);
        expect(s[`score_${w.name}` as 'score_recent']).toBe(s.windows[w.name].value);
      }
      expect(s.params.map((p) => p.param).sort()).toEqual([...e.params.keys()].sort());
      for (const p of s.params) {
        for (const w of WINDOWS) expectWindow(p.windows[w.name], e.params.get(p.param)![w.name], `${s.model_id} ${p.param} ${w.name}`);
        expect(p.score_anchor).toBe(p.windows.anchor.value);
        expect([p.asset, p.horizon, p.step]).toEqual([p.param.split('-')[0], 3600, 300]);
      }
    }
    // The scenario's shape: the leaver keeps only an anchor value, the joiner's anchor is partial but shown.
    expect(expected.get('leaver')!.windows.recent.value).toBeNull();
    expect(expected.get('leaver')!.windows.anchor.value).not.toBeNull();
    expect(expected.get('joiner')!.windows.anchor).toMatchObject({ complete: false });
    expect(expected.get('good')!.windows.anchor).toMatchObject({ complete: true });
  });

  it('keeps a snapshot per model per cycle, matching the recomputation mid-competition too (day 5)', async () => {
    const at = T0 + 120 * HOUR;
    const rows = await storedPredictions();
    const expected = expectedStandings(rows, expectedScores(rows, prices), at);
    const snapshots: Array<{ model_id: string; windows: any }> = await db().dataSource.query(
      `SELECT model_id, windows FROM score_snapshots WHERE performed_at = $1`,
      [new Date(at)],
    );
    expect(snapshots.map((s) => s.model_id).sort()).toEqual(['bad', 'flaky', 'good', 'joiner', 'leaver']);
    for (const s of snapshots) for (const w of WINDOWS) expectWindow(s.windows[w.name], expected.get(s.model_id)!.windows[w.name], `day5 ${s.model_id} ${w.name}`);
    const cycles: Array<{ n: string }> = await db().dataSource.query(`SELECT count(DISTINCT performed_at)::text AS n FROM score_snapshots`);
    // 242 hourly cycles ran; the first one (T0 + 1 h) is older than the 10-day snapshot retention,
    // but snapshots go a whole day's partition at a time, and T0's day still holds younger cycles.
    expect(Number(cycles[0].n)).toBe(242);
  });

  it('ranks the final leaderboard by anchor, steady, recent, with the leaver listed unranked', async () => {
    const rows = await storedPredictions();
    const nowMs = clock.nowMs();
    const expected = expectedStandings(rows, expectedScores(rows, prices), nowMs);
    const board = await app.leaderboard.latest();
    expect(board!.createdAt.getTime()).toBe(nowMs);
    const cmp = (a: string, b: string) => {
      for (const w of ['anchor', 'steady', 'recent']) {
        const x = expected.get(a)!.windows[w].value;
        const y = expected.get(b)!.windows[w].value;
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        return y - x;
      }
      return a < b ? -1 : 1;
    };
    const ranked = ['good', 'bad', 'flaky', 'joiner'].sort(cmp);
    const entries = board!.entries;
    expect(entries.map((e) => [e.model_id, e.rank])).toEqual([...ranked.map((m, i) => [m, i + 1]), ['leaver', null]]);
    const leaver = entries.find((e) => e.model_id === 'leaver')!;
    expect(leaver).toMatchObject({ left: true, score_recent: null, score_steady: null });
    expect(leaver.score_anchor).toBeCloseTo(expected.get('leaver')!.windows.anchor.value!, 9);
    for (const e of entries) {
      expect(e.scored_count).toBe(expected.get(e.model_id)!.windows.anchor.count);
      expect(e.complete).toEqual(Object.fromEntries(WINDOWS.map((w) => [w.name, expected.get(e.model_id)!.windows[w.name].complete])));
      expect(e.model_name).toBe(`model ${e.model_id}`);
      expect(e.cruncher_id).toBe(`cruncher-${e.model_id}`);
    }
    expect(entries.find((e) => e.model_id === 'flaky')!.last_status).toBe(answer('flaky', 239)!.status);
  });

  it('records the previous rank of each model and keeps one leaderboard per cycle (pruned to the retention)', async () => {
    const rows: Array<{ created_at: Date; entries: LeaderboardEntry[] }> = await db().dataSource.query(
      `SELECT created_at, entries FROM leaderboards ORDER BY created_at DESC LIMIT 2`,
    );
    const previous = new Map(rows[1].entries.map((e) => [e.model_id, e.rank]));
    for (const e of rows[0].entries) expect([e.model_id, e.previous_rank]).toEqual([e.model_id, previous.get(e.model_id) ?? null]);
    const oldest: Array<{ min: Date; n: string }> = await db().dataSource.query(`SELECT min(created_at) AS min, count(*)::text AS n FROM leaderboards`);
    expect(oldest[0].min.getTime()).toBeGreaterThanOrEqual(clock.nowMs() - 10 * DAY);
    expect(Number(oldest[0].n)).toBe(241);
  });

  it('prunes buckets older than the longest window but keeps windows complete', async () => {
    const rows: Array<{ min: Date }> = await db().dataSource.query(`SELECT min(bucket_start) AS min FROM score_buckets`);
    expect(rows[0].min.getTime()).toBeGreaterThanOrEqual(Math.floor((clock.nowMs() - 7 * DAY - HOUR) / HOUR) * HOUR);
  });
});
