import { Client } from 'pg';
import { VirtualClock } from '../../src/clock/clock';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { competitionFixture } from './support/competition-fixture';
import { normalSpecs, PredictionLedger } from './support/prediction-ledger';
import { PriceTable } from './support/price-table';
import { clearScoringTables, startScoring, ScoringApp } from './support/scoring-harness';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

// Several sessions only exist on a real server (the embedded engine has one session).
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('score cycles of several instances on one PostgreSQL', () => {
  let db: TestDatabase;
  let apps: ScoringApp[] = [];
  let other: Client;
  const competition = competitionFixture();

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    other = new Client({ connectionString: db.url });
    await other.connect();
  });
  afterEach(async () => {
    for (const app of apps) await app.close();
    apps = [];
    await other.end();
  });

  async function instances(count: number, rounds: number): Promise<{ roundIds: string[] }> {
    await clearScoringTables(db.dataSource);
    const clock = new VirtualClock(T0 + (rounds + 1) * HOUR);
    const ledger = new PredictionLedger(db.dataSource, competition);
    await ledger.setup();
    const roundIds = await ledger.addRounds(
      Array.from({ length: rounds }, (_, h) => ({
        param: 'BTC-3600-300',
        performedAtMs: T0 + h * HOUR,
        predictions: ['a', 'b', 'c'].map((modelId) => ({ modelId, status: 'SUCCESS' as const, payload: normalSpecs(12, 0, 0.003) })),
      })),
    );
    for (let i = 0; i < count; i++) apps.push(await startScoring(db.dataSource, competition, clock, new PriceTable(() => clock.nowMs()), { schedule: false, batchPredictions: 3 }));
    return { roundIds };
  }
  const unscored = async () => Number((await db.dataSource.query(`SELECT count(*)::int AS n FROM predictions_with_scores WHERE scored_at IS NULL`))[0].n);

  it('runs a cycle in one instance only while another holds the cycle lock', async () => {
    await instances(1, 2);
    await other.query(`SELECT pg_advisory_lock(hashtext('score-cycle:scoring-test'))`);
    expect(await apps[0].cycles.runCycle()).toBeNull();
    expect(await unscored()).toBe(6);
    await other.query(`SELECT pg_advisory_unlock(hashtext('score-cycle:scoring-test'))`);
    expect((await apps[0].cycles.runCycle())!.scored).toBe(6);
  });

  it('skips a round another session has locked and scores it in a later cycle', async () => {
    const { roundIds } = await instances(1, 3);
    await other.query('BEGIN');
    await other.query(`SELECT id FROM prediction_rounds WHERE id = $1 FOR UPDATE`, [roundIds[1]]);
    expect((await apps[0].cycles.runCycle())!.scored).toBe(6);
    const held: Array<{ n: number }> = await db.dataSource.query(`SELECT count(*)::int AS n FROM predictions_with_scores WHERE round_id = $1 AND scored_at IS NULL`, [roundIds[1]]);
    expect(held[0].n).toBe(3);
    await other.query('COMMIT');
    expect((await apps[0].cycles.runCycle())!.scored).toBe(3);
    expect(await unscored()).toBe(0);
  });

  it('scores every prediction exactly once when two instances run cycles at the same time', async () => {
    await instances(2, 20);
    const results = await Promise.all(apps.map((app) => app.cycles.runCycle()));
    const scored = results.reduce((a, r) => a + (r?.scored ?? 0), 0);
    if (scored < 60) for (const app of apps) await app.cycles.runCycle();
    expect(await unscored()).toBe(0);
    const buckets: Array<{ n: number }> = await db.dataSource.query(`SELECT sum(score_count)::int AS n FROM score_buckets`);
    expect(buckets[0].n).toBe(60);
  });
});
