import { VirtualClock } from '../../src/clock/clock';
import { computeStandings, ModelStanding } from '../../src/score/model-standing';
import { ScoreWindowRepository } from '../../src/score/score-window.repository';
import { WindowTotalsCache } from '../../src/score/window-totals-cache';
import { describeEachEngine } from '../support/test-database';
import { competitionFixture } from './support/competition-fixture';
import { normalSpecs, PredictionLedger, PredictionRowInput } from './support/prediction-ledger';
import { PriceTable } from './support/price-table';
import { clearScoringTables, startScoring, ScoringApp } from './support/scoring-harness';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

describe('WindowTotalsCache', () => {
  const starts = [10 * HOUR, 5 * HOUR];
  const state = () => ({
    version: 'v1',
    totals: [{ modelId: 'a', param: 'BTC-3600-300', totals: [{ sum: 1, count: 1, failed: 0 }, { sum: 3, count: 2, failed: 1 }] }],
    coverage: new Map([['a', new Map([['BTC-3600-300', 6 * HOUR]])]]),
  });

  it('answers only for the windows and the version it was read at', () => {
    const cache = new WindowTotalsCache();
    expect(cache.lookup(starts, 'v1')).toBeUndefined();
    cache.remember(starts, state());
    expect(cache.lookup(starts, 'v1')?.totals).toEqual(state().totals);
    expect(cache.lookup(starts, 'v2')).toBeUndefined();
    expect(cache.lookup([11 * HOUR, 5 * HOUR], 'v1')).toBeUndefined();
  });

  it('adds a claim that followed its version to the windows the bucket is in, and moves to the claim version', () => {
    const cache = new WindowTotalsCache();
    cache.remember(starts, state());
    cache.apply(
      [
        { modelId: 'a', param: 'BTC-3600-300', bucketStartMs: 7 * HOUR, scoreSum: 0.5, scoreCount: 1, failedCount: 0 }, // second window only
        { modelId: 'a', param: 'BTC-3600-300', bucketStartMs: 12 * HOUR, scoreSum: 2, scoreCount: 1, failedCount: 1 }, // both
        { modelId: 'b', param: 'ETH-3600-300', bucketStartMs: 4 * HOUR, scoreSum: 9, scoreCount: 1, failedCount: 0 }, // neither: coverage only
      ],
      { previous: 'v1', version: 'v2' },
    );
    expect(cache.lookup(starts, 'v1')).toBeUndefined();
    const now = cache.lookup(starts, 'v2')!;
    expect(now.totals).toEqual([{ modelId: 'a', param: 'BTC-3600-300', totals: [{ sum: 3, count: 2, failed: 1 }, { sum: 5.5, count: 4, failed: 2 }] }]);
    expect(now.coverage).toEqual(
      new Map([
        ['a', new Map([['BTC-3600-300', 6 * HOUR]])],
        ['b', new Map([['ETH-3600-300', 4 * HOUR]])],
      ]),
    );
  });

  it('drops its totals when a claim replaced another version than its own (a write it did not see)', () => {
    const cache = new WindowTotalsCache();
    cache.remember(starts, state());
    cache.apply([{ modelId: 'a', param: 'BTC-3600-300', bucketStartMs: 12 * HOUR, scoreSum: 2, scoreCount: 1, failedCount: 0 }], { previous: 'other', version: 'v3' });
    expect(cache.lookup(starts, 'v3')).toBeUndefined();
    expect(cache.lookup(starts, 'v1')).toBeUndefined();
  });

  it('keeps its own copy of what it was given', () => {
    const cache = new WindowTotalsCache();
    const given = state();
    cache.remember(starts, given);
    given.totals[0].totals[0].sum = 100;
    given.coverage.get('a')!.set('BTC-3600-300', 0);
    const kept = cache.lookup(starts, 'v1')!;
    expect(kept.totals[0].totals[0].sum).toBe(1);
    expect(kept.coverage.get('a')!.get('BTC-3600-300')).toBe(6 * HOUR);
  });
});

describeEachEngine('scoring cycles keep their window totals between cycles', (db) => {
  let app: ScoringApp | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function scenario() {
    const ds = db().dataSource;
    await clearScoringTables(ds);
    const clock = new VirtualClock(T0);
    const prices = new PriceTable(() => clock.nowMs());
    const competition = competitionFixture({});
    const ledger = new PredictionLedger(ds, competition);
    await ledger.setup();
    app = await startScoring(ds, competition, clock, prices, { schedule: false });
    const reads = jest.spyOn(app.windows, 'readState');
    const round = (h: number, predictions: PredictionRowInput[]) => ({ param: 'BTC-3600-300', performedAtMs: T0 + h * HOUR, predictions });
    const good = (modelId: string, scale = 0.003): PredictionRowInput => ({ modelId, status: 'SUCCESS', payload: normalSpecs(12, 0, scale) });
    /** The standings a fresh read of the buckets gives now, for comparison with the cycle's. */
    const fresh = async (): Promise<ModelStanding[]> => {
      const windows = competition.scoring.windows;
      const buckets = app!.cycles.buckets;
      const repo = new ScoreWindowRepository(ds);
      return computeStandings(await repo.windowTotals(clock.nowMs(), windows, buckets), await repo.firstScoredBuckets(), windows, buckets, clock.nowMs());
    };
    return { ds, clock, ledger, app, reads, round, good, fresh };
  }

  /** Standings with their means rounded: a cached sum may differ from a fresh one in a float's last bits. */
  const rounded = (standings: ModelStanding[]) => JSON.parse(JSON.stringify(standings, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)));

  it('adds its own claims to what it read, without reading the buckets again, and equals a fresh read', async () => {
    const s = await scenario();
    await s.ledger.addRounds([0, 1, 2].map((h) => s.round(h, [s.good('a'), s.good('b', 0.002), { modelId: 'c', status: 'FAILED', payload: null }])));
    await s.clock.advanceTo(T0 + 5 * HOUR + MINUTE);
    const first = await s.app.cycles.runCycle();
    expect(first!.scored).toBe(9);
    expect(s.reads).toHaveBeenCalledTimes(1);
    // Two more rounds resolve within the same hour: scored, added to the kept totals.
    await s.ledger.addRounds([3, 4].map((h) => s.round(h, [s.good('a', 0.004), s.good('b'), s.good('d')])));
    await s.clock.advanceTo(T0 + 5 * HOUR + 30 * MINUTE);
    const second = await s.app.cycles.runCycle();
    expect(second!.scored).toBe(6);
    const third = await s.app.cycles.runCycle();
    expect(third!.scored).toBe(0);
    expect(s.reads).toHaveBeenCalledTimes(1);
    expect(rounded(second!.standings)).toEqual(rounded(await s.fresh()));
    expect(rounded(third!.standings)).toEqual(rounded(second!.standings));
    expect(second!.standings.map((m) => m.modelId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reads the buckets again when its windows start at the next bucket', async () => {
    const s = await scenario();
    await s.ledger.addRounds([s.round(0, [s.good('a')])]);
    await s.clock.advanceTo(T0 + 2 * HOUR);
    await s.app.cycles.runCycle();
    await s.clock.advanceTo(T0 + 2 * HOUR + 59 * MINUTE);
    await s.app.cycles.runCycle();
    expect(s.reads).toHaveBeenCalledTimes(1);
    await s.clock.advanceTo(T0 + 3 * HOUR);
    const next = await s.app.cycles.runCycle();
    expect(s.reads).toHaveBeenCalledTimes(2);
    expect(rounded(next!.standings)).toEqual(rounded(await s.fresh()));
  });

  it('reads the buckets again after a write it did not make: another instance, a correction, a TRUNCATE', async () => {
    const s = await scenario();
    await s.ledger.addRounds([s.round(0, [s.good('a'), s.good('b')])]);
    await s.clock.advanceTo(T0 + 2 * HOUR);
    await s.app.cycles.runCycle();
    const other = new ScoreWindowRepository(s.ds);
    const bucket = T0 + HOUR;

    // Another instance's cycle adds to a bucket (its own repository, its own claim); this cycle's
    // own claim comes after it, so the version the claim replaces is not the one kept.
    await s.ds.transaction((em) => other.addIncrements(em, [{ modelId: 'e', param: 'BTC-3600-300', bucketStartMs: bucket, scoreSum: 7, scoreCount: 2, failedCount: 0 }]));
    await s.ledger.addRounds([s.round(0.5, [s.good('f')])]);
    const afterOther = await s.app.cycles.runCycle();
    expect(afterOther!.scored).toBe(1);
    expect(s.reads).toHaveBeenCalledTimes(2);
    expect(afterOther!.standings.map((m) => m.modelId)).toEqual(['a', 'b', 'e', 'f']);
    expect(rounded(afterOther!.standings)).toEqual(rounded(await s.fresh()));

    // A void's correction takes model a's score out again.
    const [{ score_sum }] = await s.ds.query(`SELECT score_sum FROM score_buckets WHERE model_id = 'a'`);
    const emptied = await s.ds.transaction(async (em) => {
      const gone = await other.correctBuckets(em, [{ modelId: 'a', param: 'BTC-3600-300', bucketStartMs: bucket, scoreSum: -score_sum, scoreCount: -1, failedCount: 0 }]);
      await other.repairCoverage(em, gone);
      return gone;
    });
    expect(emptied).toHaveLength(1);
    const afterVoid = await s.app.cycles.runCycle();
    expect(s.reads).toHaveBeenCalledTimes(3);
    expect(afterVoid!.standings.map((m) => m.modelId)).toEqual(['b', 'e', 'f']);

    await s.ds.query(`TRUNCATE score_buckets, score_coverage`);
    const afterTruncate = await s.app.cycles.runCycle();
    expect(s.reads).toHaveBeenCalledTimes(4);
    expect(afterTruncate!.standings).toEqual([]);
  });

  it('reads the buckets again after a claim that failed, whatever it had written', async () => {
    const s = await scenario();
    await s.ledger.addRounds([s.round(0, [s.good('a')])]);
    await s.clock.advanceTo(T0 + 2 * HOUR);
    await s.app.cycles.runCycle();
    await s.ledger.addRounds([s.round(1, [s.good('a'), s.good('b')])]);
    const realAdd = s.app.windows.addIncrements.bind(s.app.windows);
    jest.spyOn(s.app.windows, 'addIncrements').mockImplementationOnce(async (em, increments) => {
      await realAdd(em, increments);
      throw new Error('simulated failure after the increments, before commit');
    });
    await expect(s.app.cycles.runCycle()).rejects.toThrow(/simulated failure/);
    const retried = await s.app.cycles.runCycle();
    expect(retried!.scored).toBe(2);
    expect(s.reads).toHaveBeenCalledTimes(2);
    expect(rounded(retried!.standings)).toEqual(rounded(await s.fresh()));
  });

  it('records every write as the version it replaced and a fresh one', async () => {
    const s = await scenario();
    const repo = new ScoreWindowRepository(s.ds);
    const before = await repo.version();
    const step = await s.ds.transaction((em) => repo.addIncrements(em, [{ modelId: 'a', param: 'BTC-3600-300', bucketStartMs: T0, scoreSum: 1, scoreCount: 1, failedCount: 0 }]));
    expect(step).toEqual({ previous: before, version: expect.any(String) });
    expect(step!.version).not.toBe(before);
    expect(await repo.version()).toBe(step!.version);
    expect(await s.ds.transaction((em) => repo.addIncrements(em, []))).toBeNull();
    expect(await repo.version()).toBe(step!.version);
    expect(await repo.pruneBucketsBefore(new Date(T0 - HOUR))).toBe(0);
    expect(await repo.version()).toBe(step!.version); // nothing pruned, nothing written
    expect(await repo.pruneBucketsBefore(new Date(T0 + HOUR))).toBe(1);
    expect(await repo.version()).not.toBe(step!.version);
  });
});
