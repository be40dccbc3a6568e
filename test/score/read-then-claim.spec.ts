import { VirtualClock } from '../../src/clock/clock';
import { describeEachEngine } from '../support/test-database';
import { competitionFixture } from './support/competition-fixture';
import { normalSpecs, PredictionLedger, PredictionRowInput } from './support/prediction-ledger';
import { PriceTable } from './support/price-table';
import { clearScoringTables, startScoring } from './support/scoring-harness';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

describeEachEngine('ScoreCycleService reads before it claims', (db) => {
  it('scores a prediction that was not in the unlocked read (it appeared in between) like any other', async () => {
    const run = async (hideOne: boolean) => {
      const ds = db().dataSource;
      await clearScoringTables(ds);
      const clock = new VirtualClock(T0);
      const prices = new PriceTable(() => clock.nowMs());
      const competition = competitionFixture({ penalty: { policy: 'batch-min', cap: 0 } as never });
      const ledger = new PredictionLedger(ds, competition);
      await ledger.setup();
      const app = await startScoring(ds, competition, clock, prices, { schedule: false });
      const good = (modelId: string, scale: number): PredictionRowInput => ({ modelId, status: 'SUCCESS', payload: normalSpecs(12, 0, scale) });
      await ledger.addRounds([{ param: 'BTC-3600-300', performedAtMs: T0, predictions: [good('a', 0.003), good('b', 0.002), { modelId: 'c', status: 'FAILED', payload: null }] }]);
      await clock.advanceTo(T0 + HOUR);
      const realRead = app.predictions.readUnscored.bind(app.predictions);
      const readClaimed = jest.spyOn(app.predictions, 'readClaimed');
      if (hideOne) jest.spyOn(app.predictions, 'readUnscored').mockImplementation(async (ids, now) => (await realRead(ids, now)).filter((p) => p.modelId !== 'b'));
      const result = await app.cycles.runCycle();
      const rows = await ds.query(`SELECT model_id, score_value, score_success, score_failed_reason FROM predictions_with_scores ORDER BY model_id`);
      const buckets = await ds.query(`SELECT model_id, score_sum, score_count, failed_count FROM score_buckets ORDER BY model_id`);
      const readBack = readClaimed.mock.calls.map((c) => c[1].length);
      jest.restoreAllMocks();
      await app.close();
      return { scored: result!.scored, rows, buckets, readBack };
    };
    const normal = await run(false);
    const hidden = await run(true);
    expect(normal.scored).toBe(3);
    expect(normal.readBack).toEqual([0]);
    expect(hidden.readBack).toEqual([1]);
    expect(hidden.rows).toEqual(normal.rows);
    expect(hidden.buckets).toEqual(normal.buckets);
    expect(normal.rows.map((r: { score_success: boolean }) => r.score_success)).toEqual([true, true, false]);
  });
});
