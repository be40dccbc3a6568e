import { VirtualClock } from '../../src/clock/clock';
import type { PenaltyPolicy } from '../../src/config/competition/competition.types';
import { LeaderboardRepository } from '../../src/leaderboard/leaderboard.repository';
import { describeEachEngine } from '../support/test-database';
import { competitionFixture } from './support/competition-fixture';
import { normalPdf, normalSpecs, PredictionLedger, PredictionRowInput } from './support/prediction-ledger';
import { PriceTable } from './support/price-table';
import { clearScoringTables, startScoring, ScoringApp } from './support/scoring-harness';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const STEPS = 12;

interface Scenario {
  app: ScoringApp;
  clock: VirtualClock;
  prices: PriceTable;
  ledger: PredictionLedger;
}

interface ScoredRow {
  model_id: string;
  round_id: string;
  score_value: number | null;
  score_success: boolean | null;
  score_failed_reason: string | null;
  scored_at: Date | null;
}

describeEachEngine('ScoreCycleService', (db) => {
  let current: Scenario | undefined;

  async function scenario(opts: { penalty?: PenaltyPolicy; maxWaitSeconds?: number; batchPredictions?: number; knownUntil?: () => number } = {}): Promise<Scenario> {
    const ds = db().dataSource;
    await clearScoringTables(ds);
    const clock = new VirtualClock(T0);
    const prices = new PriceTable(opts.knownUntil ?? (() => clock.nowMs()));
    const competition = competitionFixture({ penalty: opts.penalty, maxWaitSeconds: opts.maxWaitSeconds });
    const ledger = new PredictionLedger(ds, competition);
    await ledger.setup();
    const app = await startScoring(ds, competition, clock, prices, { schedule: false, batchPredictions: opts.batchPredictions });
    current = { app, clock, prices, ledger };
    return current;
  }

  afterEach(async () => {
    await current?.app.close();
    current = undefined;
  });

  const scoredRows = (): Promise<ScoredRow[]> =>
    db().dataSource.query(`SELECT model_id, round_id, score_value, score_success, score_failed_reason, scored_at FROM predictions_with_scores ORDER BY performed_at, model_id`);
  const bucketTotals = async () => {
    const rows: Array<{ sum: number | null; count: string; failed: string }> = await db().dataSource.query(
      `SELECT sum(score_sum) AS sum, coalesce(sum(score_count), 0)::text AS count, coalesce(sum(failed_count), 0)::text AS failed FROM score_buckets`,
    );
    return { sum: rows[0].sum ?? 0, count: Number(rows[0].count), failed: Number(rows[0].failed) };
  };
  const scoreTotals = (rows: ScoredRow[]) => ({
    sum: rows.reduce((a, r) => a + (r.score_value ?? 0), 0),
    count: rows.filter((r) => r.score_value !== null).length,
    failed: rows.filter((r) => r.score_success === false).length,
  });
  const round = (h: number, predictions: PredictionRowInput[]) => ({ param: 'BTC-3600-300', performedAtMs: T0 + h * HOUR, predictions });
  const good = (modelId: string, scale = 0.003): PredictionRowInput => ({ modelId, status: 'SUCCESS', payload: normalSpecs(STEPS, 0, scale) });
  const expectedPdf = (s: Scenario, h: number, scale: number) => {
    const truth = s.prices.expectedValues({ subject: 'BTC', performedAtMs: T0 + h * HOUR, horizon: 3600, step: 300 });
    return truth.reduce((a, x) => a + normalPdf(x, 0, scale), 0) / STEPS;
  };

  it('scores a prediction only once however many times a cycle runs', async () => {
    const s = await scenario();
    await s.ledger.addRounds([round(0, [good('a'), good('b', 0.002)])]);
    await s.clock.advanceTo(T0 + HOUR);
    const first = await s.app.cycles.runCycle();
    const afterFirst = await scoredRows();
    const bucketsAfterFirst = await bucketTotals();
    const second = await s.app.cycles.runCycle();
    expect([first!.scored, second!.scored]).toEqual([2, 0]);
    expect(await scoredRows()).toEqual(afterFirst);
    expect(await bucketTotals()).toEqual(bucketsAfterFirst);
    expect(afterFirst.find((r) => r.model_id === 'a')!.score_value).toBeCloseTo(expectedPdf(s, 0, 0.003), 9);
  });

  it('keeps one penalty basis for a round scored in parts (a prediction stored after the round was first scored)', async () => {
    const s = await scenario({ penalty: { policy: 'batch-min', cap: null } });
    await s.ledger.addRounds([round(0, [good('a'), good('b', 0.002)])]);
    await s.clock.advanceTo(T0 + HOUR);
    expect((await s.app.cycles.runCycle())!.scored).toBe(2);
    // A late answer of the same round (the outage buffer writing it after the first cycle).
    await db().dataSource.query(
      `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, performed_at, resolvable_at)
       SELECT gen_random_uuid(), round_id, 'c', config_id, asset, horizon, step, 'ABSENT', performed_at, resolvable_at FROM predictions WHERE model_id = 'a'`,
    );
    expect((await s.app.cycles.runCycle())!.scored).toBe(1);
    const rows = await scoredRows();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => rows.find((r) => r.model_id === id)!);
    expect(c).toMatchObject({ score_success: false });
    expect(c.score_value).toBe(Math.min(a.score_value!, b.score_value!));
  });

  it('does not score a prediction before its resolvable_at', async () => {
    const s = await scenario();
    await s.ledger.addRounds([round(0, [good('a')])]);
    await s.clock.advanceTo(T0 + HOUR - 1000);
    expect((await s.app.cycles.runCycle())!.scored).toBe(0);
    expect((await scoredRows())[0].scored_at).toBeNull();
  });

  it('loses and repeats nothing when a cycle crashes between writing scores and buckets', async () => {
    const s = await scenario({ batchPredictions: 4 });
    await s.ledger.addRounds([0, 1, 2, 3, 4].map((h) => round(h, [good('a'), good('b', 0.002), { modelId: 'c', status: 'FAILED', payload: null }])));
    await s.clock.advanceTo(T0 + 6 * HOUR);
    const realAdd = s.app.windows.addIncrements.bind(s.app.windows);
    let calls = 0;
    const spy = jest.spyOn(s.app.windows, 'addIncrements').mockImplementation(async (em, increments) => {
      calls++;
      if (calls === 3) throw new Error('simulated crash after the score UPDATE, before commit');
      return realAdd(em, increments);
    });
    await expect(s.app.cycles.runCycle()).rejects.toThrow(/simulated crash/);
    const partial = await scoredRows();
    // A batch of 4 predictions takes whole rounds (two rounds of 3): batches of 6, 6 and 3;
    // the first two committed, the third rolled back.
    expect(partial.filter((r) => r.scored_at !== null)).toHaveLength(12);
    expect(await bucketTotals()).toEqual(scoreTotals(partial.filter((r) => r.scored_at !== null)));

    spy.mockRestore();
    expect((await s.app.cycles.runCycle())!.scored).toBe(3);
    const all = await scoredRows();
    expect(all.every((r) => r.scored_at !== null)).toBe(true);
    const totals = await bucketTotals();
    const expected = scoreTotals(all);
    expect(totals.count).toBe(expected.count);
    expect(totals.failed).toBe(5);
    expect(totals.sum).toBeCloseTo(expected.sum, 9);
  });

  it('lets a round wait for its ground truth, asking once per cycle, and scores it when the data arrives', async () => {
    let knownUntil = T0;
    const s = await scenario({ knownUntil: () => knownUntil, maxWaitSeconds: 3600 });
    await s.ledger.addRounds([round(0, [good('a'), { modelId: 'b', status: 'ABSENT', payload: null }])]);
    await s.clock.advanceTo(T0 + HOUR + 10 * 60_000);
    const waiting = await s.app.cycles.runCycle();
    expect([waiting!.scored, waiting!.waitingRounds, s.prices.calls]).toEqual([0, 1, 1]);
    expect((await scoredRows()).every((r) => r.scored_at === null)).toBe(true);

    knownUntil = T0 + HOUR;
    await s.clock.advanceTo(T0 + HOUR + 20 * 60_000);
    expect((await s.app.cycles.runCycle())!.scored).toBe(2);
    const rows = await scoredRows();
    expect(rows.find((r) => r.model_id === 'a')!.score_value).toBeCloseTo(expectedPdf(s, 0, 0.003), 9);
    expect(rows.find((r) => r.model_id === 'b')).toMatchObject({ score_success: false, score_value: 0, score_failed_reason: 'ABSENT' });
  });

  it('gives up on ground truth maxWaitSeconds after resolvable_at: the round is void, with a reason', async () => {
    const s = await scenario({ knownUntil: () => T0, maxWaitSeconds: 1800 });
    await s.ledger.addRounds([round(0, [good('a'), { modelId: 'b', status: 'TIMEOUT', payload: null }])]);
    await s.clock.advanceTo(T0 + HOUR + 1800_000);
    expect((await s.app.cycles.runCycle())!.scored).toBe(0);
    await s.clock.advanceTo(T0 + HOUR + 1800_000 + 1000);
    expect((await s.app.cycles.runCycle())!.scored).toBe(2);
    for (const r of await scoredRows()) {
      expect(r).toMatchObject({ score_success: false, score_value: null });
      expect(r.score_failed_reason).toMatch(/^no ground truth: not available 1800s after resolvable_at/);
    }
    expect(await bucketTotals()).toEqual({ sum: 0, count: 0, failed: 2 });
  });

  it('voids a round at once when its ground truth has a gap (not retryable)', async () => {
    const s = await scenario();
    s.prices.gaps.push({ fromMs: T0 + 10 * 60_000, toMs: T0 + 11 * 60_000 });
    await s.ledger.addRounds([round(0, [good('a')])]);
    await s.clock.advanceTo(T0 + HOUR);
    expect((await s.app.cycles.runCycle())!.scored).toBe(1);
    expect((await scoredRows())[0]).toMatchObject({ score_success: false, score_value: null, score_failed_reason: 'no ground truth: BTC: gap in the feed' });
  });

  it.each([
    ['batch-min capped at 0 (the seed)', { policy: 'batch-min', cap: 0 } as PenaltyPolicy, () => 0],
    ['batch-min without cap', { policy: 'batch-min', cap: null } as PenaltyPolicy, (a: number, b: number) => Math.min(a, b)],
    ['fixed', { policy: 'fixed', value: -3 } as PenaltyPolicy, () => -3],
    ['percentile 90 from the best', { policy: 'percentile', percentile: 90 } as PenaltyPolicy, (a: number, b: number) => Math.min(a, b) + 0.1 * Math.abs(a - b)],
  ])('penalises failed, timed-out, absent and invalid predictions with the %s policy', async (_name, penalty, expectedPenalty) => {
    const s = await scenario({ penalty });
    await s.ledger.addRounds([
      round(0, [
        good('a'),
        good('b', 0.002),
        { modelId: 'c', status: 'FAILED', payload: null, failureReason: 'KeyError' },
        { modelId: 'd', status: 'TIMEOUT', payload: null },
        { modelId: 'e', status: 'ABSENT', payload: null },
        { modelId: 'f', status: 'SUCCESS', payload: { hostile: true } },
      ]),
    ]);
    await s.clock.advanceTo(T0 + HOUR);
    await s.app.cycles.runCycle();
    const rows = await scoredRows();
    const a = expectedPdf(s, 0, 0.003);
    const b = expectedPdf(s, 0, 0.002);
    const penaltyValue = expectedPenalty(a, b);
    for (const id of ['c', 'd', 'e', 'f']) {
      const row = rows.find((r) => r.model_id === id)!;
      expect([id, row.score_success]).toEqual([id, false]);
      expect(row.score_value).toBeCloseTo(penaltyValue, 9);
    }
    expect(rows.find((r) => r.model_id === 'c')!.score_failed_reason).toBe('FAILED: KeyError');
    expect(rows.find((r) => r.model_id === 'f')!.score_failed_reason).toMatch(/^invalid prediction: payload must be an array/);
    const totals = await bucketTotals();
    expect(totals.count).toBe(6);
    expect(totals.sum).toBeCloseTo(a + b + 4 * penaltyValue, 9);
  });

  it('prunes leaderboards past their retention once an hour of cycles, always keeping the latest', async () => {
    const s = await scenario(); // retention.leaderboardsDays: 10
    const prune = jest.spyOn(LeaderboardRepository.prototype, 'pruneBefore');
    const storedTimes = async () =>
      ((await db().dataSource.query(`SELECT created_at FROM leaderboards ORDER BY created_at`)) as Array<{ created_at: Date }>).map((r) => (r.created_at.getTime() - T0) / HOUR);
    try {
      for (const hours of [0, 0.5, 1, 240.25, 240.5, 241]) {
        await s.clock.advanceTo(T0 + hours * HOUR);
        await s.app.cycles.runCycle();
      }
      // Pruned at 0, 1 and 240.25 hours (the one at 240.25 dropped the boards older than 0.25 hours); 0.5, 240.5 and 241 came within the hour.
      expect(prune).toHaveBeenCalledTimes(3);
      expect(await storedTimes()).toEqual([0.5, 1, 240.25, 240.5, 241]);
      await s.clock.advanceTo(T0 + 242.5 * HOUR);
      await s.app.cycles.runCycle(); // cutoff 2.5 hours: 0.5 and 1 go
      expect(await storedTimes()).toEqual([240.25, 240.5, 241, 242.5]);
      expect(prune).toHaveBeenCalledTimes(4);
    } finally {
      prune.mockRestore();
    }
  });

  it('prunes predictions, snapshots, buckets and emptied rounds past their retention, keeping unscored predictions', async () => {
    const s = await scenario();
    await s.ledger.addRounds([round(0, [good('a')]), round(24 * 35 - 1, [good('a')]), round(24 * 40, [good('a')])]);
    await s.clock.advanceTo(T0 + HOUR);
    await s.app.cycles.runCycle();
    await s.clock.advanceTo(T0 + 35 * 24 * HOUR);
    await s.app.cycles.runCycle();
    const result = await s.app.retention.runPrune();
    expect(result).toEqual({ predictions: 1, snapshots: 1, buckets: 1, rounds: 1 });
    const rounds: Array<{ n: number }> = await db().dataSource.query(`SELECT count(*)::int AS n FROM prediction_rounds`);
    expect(rounds).toEqual([{ n: 2 }]);
    const left: Array<{ scored_at: Date | null }> = await db().dataSource.query(`SELECT scored_at FROM predictions_with_scores ORDER BY performed_at`);
    expect(left).toEqual([{ scored_at: new Date(T0 + 35 * 24 * HOUR) }, { scored_at: null }]);
    const snapshots: Array<{ performed_at: Date }> = await db().dataSource.query(`SELECT performed_at FROM score_snapshots`);
    expect(snapshots.map((r) => r.performed_at.getTime())).toEqual([T0 + 35 * 24 * HOUR]);
  });
});
