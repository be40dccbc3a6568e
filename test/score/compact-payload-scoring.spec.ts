import { VirtualClock } from '../../src/clock/clock';
import { payloadText } from '../../src/predict/round/density-payload-codec';
import { describeEachEngine } from '../support/test-database';
import { competitionFixture } from './support/competition-fixture';
import { PredictionLedger, PredictionRowInput } from './support/prediction-ledger';
import { PriceTable } from './support/price-table';
import { clearScoringTables, startScoring } from './support/scoring-harness';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const STEPS = 12;

/** Twelve steps of a two-normal mixture, every number different (so each step's floats count). */
function mixtureSpecs(seed: number): unknown[] {
  return Array.from({ length: STEPS }, (_, k) => ({
    type: 'mixture',
    components: [
      { density: { type: 'builtin', name: 'norm', params: { loc: (seed - 3) * 1.3e-4 + k * 1e-6, scale: 0.0021 + seed * 1.7e-4 } }, weight: 0.55 + seed / 97 },
      { density: { type: 'scipy', name: 'norm', params: { loc: -k * 3e-5, scale: 0.0063 + k * 1e-5 } }, weight: 0.45 - seed / 97 },
    ],
  }));
}

/** The same answer as Python's json.dumps writes it (", " and ": ", floats with repr). */
function pythonText(value: unknown): string {
  return JSON.stringify(value)
    .replace(/,/g, ', ')
    .replace(/:/g, ': ')
    .replace(/(?<=[:\[,] )(-?\d+)(?=[,}\]])/g, '$1.0');
}

const predictions = (): PredictionRowInput[] => [
  { modelId: 'a', status: 'SUCCESS', payload: mixtureSpecs(1) },
  { modelId: 'b', status: 'SUCCESS', payload: mixtureSpecs(2) },
  { modelId: 'c', status: 'SUCCESS', payload: mixtureSpecs(3), payloadText: pythonText(mixtureSpecs(3)) },
  // Pretty-printed: not a spelling the codec writes back, so it stays text.
  { modelId: 'd', status: 'SUCCESS', payload: mixtureSpecs(4), payloadText: JSON.stringify(mixtureSpecs(4), null, 2) },
  { modelId: 'e', status: 'SUCCESS', payload: { hostile: true } },
  { modelId: 'f', status: 'FAILED', payload: null, failureReason: 'model crashed' },
];

describeEachEngine('Compact prediction payloads', (db) => {
  it('stores a reproducible payload in compact form only, and the text of one it cannot write back', async () => {
    const ds = db().dataSource;
    await clearScoringTables(ds);
    const competition = competitionFixture();
    const ledger = new PredictionLedger(ds, competition);
    await ledger.setup();
    await ledger.addRounds([{ param: 'BTC-3600-300', performedAtMs: T0, predictions: predictions() }], { through: 'insert-path' });
    const rows: Array<{ model_id: string; payload: string | null; payload_compact: Uint8Array | null }> = await ds.query(
      `SELECT model_id, payload::text AS payload, payload_compact FROM predictions ORDER BY model_id`,
    );
    expect(rows.map((r) => [r.model_id, r.payload !== null, r.payload_compact !== null])).toEqual([
      ['a', false, true],
      ['b', false, true],
      ['c', false, true],
      ['d', true, false],
      ['e', true, false],
      ['f', false, false],
    ]);
    const sent = predictions().map((p) => p.payloadText ?? (p.payload === null ? null : JSON.stringify(p.payload)));
    expect(rows.map(payloadText)).toEqual(sent);
    // A compact binary stores in well under half the bytes of its text.
    const [sizes]: Array<{ compact: number; text: number }> = await ds.query(
      `SELECT avg(octet_length(payload_compact))::float8 AS compact, $1::float8 AS text FROM predictions WHERE payload_compact IS NOT NULL`,
      [sent[0]!.length],
    );
    expect(sizes.compact).toBeLessThan(sizes.text / 2);
  });

  it('scores predictions stored in compact form exactly as the same predictions stored as text', async () => {
    const run = async (through: 'sql-text' | 'insert-path') => {
      const ds = db().dataSource;
      await clearScoringTables(ds);
      const clock = new VirtualClock(T0);
      const prices = new PriceTable(() => clock.nowMs());
      const competition = competitionFixture({ penalty: { policy: 'batch-min', cap: 0 } as never });
      const ledger = new PredictionLedger(ds, competition);
      await ledger.setup();
      const app = await startScoring(ds, competition, clock, prices, { schedule: false });
      await ledger.addRounds([0, 1].map((h) => ({ param: 'BTC-3600-300', performedAtMs: T0 + h * HOUR, predictions: predictions() })), { through });
      await clock.advanceTo(T0 + 2 * HOUR);
      const result = await app.cycles.runCycle();
      const compactRows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM predictions_with_scores WHERE payload_compact IS NOT NULL`);
      const rows = await ds.query(`SELECT model_id, performed_at, score_value, score_success, score_failed_reason FROM predictions_with_scores ORDER BY performed_at, model_id`);
      const buckets = await ds.query(`SELECT model_id, score_sum, score_count, failed_count FROM score_buckets ORDER BY model_id, bucket_start`);
      await app.close();
      return { scored: result!.scored, compact: compactRows[0].n, rows, buckets };
    };
    const text = await run('sql-text');
    const compact = await run('insert-path');
    expect(text.compact).toBe(0);
    expect(compact.compact).toBe(6); // a, b and c of both rounds
    expect(compact.scored).toBe(12);
    expect(compact.rows).toEqual(text.rows);
    expect(compact.buckets).toEqual(text.buckets);
    const successes = compact.rows.filter((r: { score_success: boolean }) => r.score_success).map((r: { model_id: string }) => r.model_id);
    expect(successes).toEqual(['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd']);
  });
});
