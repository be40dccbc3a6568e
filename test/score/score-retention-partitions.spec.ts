import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import type { PredictionRecord, PredictionRoundRecord } from '../../src/predict/round/prediction-round';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { DEFAULT_PREDICTIONS_PARTITION, PredictionPartitionRepository, predictionPartitionName } from '../../src/predict/round/prediction-partitions.repository';
import { ScoreRetentionService } from '../../src/score/score-retention.service';
import { ScoreSnapshotPartitionRepository } from '../../src/score/score-snapshot-partitions.repository';
import { ScoreSnapshotRepository } from '../../src/score/score-snapshot.repository';
import { ScoreWindowRepository } from '../../src/score/score-window.repository';
import { createTestDatabase, describeEachEngine, TestDatabase } from '../support/test-database';
import { storeScores } from '../../bench/stored-scores';
import { competitionFixture } from './support/competition-fixture';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A UTC midnight far from the real date (the migration's partitions around today stay out of the way). */
const D0 = Date.UTC(2026, 2, 1);
const day = (n: number) => D0 + n * DAY;

describeEachEngine('ScoreRetentionService on partitioned predictions', (db) => {
  let clock: VirtualClock;
  let retention: ScoreRetentionService;
  let rounds: PredictionRoundRepository;
  let partitions: PredictionPartitionRepository;
  let configId: string;

  beforeEach(async () => {
    const ds = db().dataSource;
    await ds.query(`TRUNCATE predictions, prediction_rounds, prediction_configs, score_snapshots, score_buckets, competitions CASCADE`);
    partitions = new PredictionPartitionRepository(ds);
    for (const p of (await partitions.partitions()) ?? []) if (p.fromMs < Date.UTC(2026, 6, 1)) await ds.query(`DROP TABLE ${p.name}`);
    rounds = new PredictionRoundRepository(ds);
    clock = new VirtualClock(day(0));
    // Reference retention (30 days, so one-day partitions); hourly horizon and one hour of wait for truth.
    const competition = competitionFixture();
    retention = new ScoreRetentionService(competition, clock, ds, rounds, partitions, new ScoreSnapshotRepository(ds), new ScoreSnapshotPartitionRepository(ds), new ScoreWindowRepository(ds));
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ($1, 'c', '{}')`, [competition.id]);
    configId = randomUUID();
    await ds.query(`INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, $2, 'BTC', 3600, 300, 3600, 'hourly')`, [configId, competition.id]);
  });

  /** A round at `atMs` through the predict loop's repository; `scoredAtMs` per model (null: unscored). */
  async function round(atMs: number, scoredAt: Record<string, number | null>): Promise<Record<string, string>> {
    const record: PredictionRoundRecord = { id: randomUUID(), competitionId: 'scoring-test', configId, scheduledAt: new Date(atMs), performedAt: new Date(atMs), resolvableAt: new Date(atMs + HOUR) };
    await rounds.claim(record);
    const predictions: PredictionRecord[] = Object.keys(scoredAt).map((modelId) => ({ id: randomUUID(), modelId, status: 'SUCCESS', execTimeUs: 900, payloadJson: '[{"type":"builtin","name":"norm","params":{"loc":0,"scale":0.002}}]', failureReason: null }));
    await rounds.insertPredictions(record, { id: configId, asset: 'BTC', horizon: 3600, step: 300 }, predictions);
    for (const p of predictions) {
      const at = scoredAt[p.modelId];
      if (at !== null) await storeScores(db().dataSource, `SELECT id, performed_at, 1::float8 AS score_value, true AS score_success, NULL::text AS score_failed_reason, $2::timestamptz AS scored_at FROM predictions WHERE id = $1`, [p.id, new Date(at)]);
    }
    return Object.fromEntries(predictions.map((p) => [p.modelId, p.id]));
  }

  const ids = async (ds: DataSource): Promise<string[]> => ((await ds.query(`SELECT id FROM predictions ORDER BY id`)) as Array<{ id: string }>).map((r) => r.id).sort();
  const partitionNames = async () => ((await partitions.partitions()) ?? []).filter((p) => p.fromMs < Date.UTC(2026, 6, 1)).map((p) => p.name);

  it('creates the current day and the three after it on each run', async () => {
    expect(await retention.runPrune()).toEqual({ predictions: 0, snapshots: 0, buckets: 0, rounds: 0 });
    expect(await partitionNames()).toEqual([0, 1, 2, 3].map((d) => predictionPartitionName(day(d), day(d + 1))));
    await clock.advanceTo(day(2) + HOUR);
    await retention.runPrune();
    expect(await partitionNames()).toEqual([0, 1, 2, 3, 4, 5].map((d) => predictionPartitionName(day(d), day(d + 1))));
  });

  it('never loses a prediction written beyond the last partition: it waits in the default partition and moves when its day comes', async () => {
    await retention.runPrune(); // days 0-3
    const far = await round(day(6) + HOUR, { a: null, b: null });
    const inDefault: Array<{ n: number }> = await db().dataSource.query(`SELECT count(*)::int AS n FROM ${DEFAULT_PREDICTIONS_PARTITION}`);
    expect(inDefault).toEqual([{ n: 2 }]);
    await clock.advanceTo(day(4));
    await retention.runPrune(); // creates days 4-7, moving the two rows into day 6
    const where: Array<{ partition: string }> = await db().dataSource.query(`SELECT DISTINCT tableoid::regclass::text AS partition FROM predictions WHERE id = ANY($1::uuid[])`, [Object.values(far)]);
    expect(where).toEqual([{ partition: predictionPartitionName(day(6), day(7)) }]);
  });

  it('drops whole expired partitions and keeps every prediction that must stay', async () => {
    const ds = db().dataSource;
    await retention.runPrune();
    await clock.advanceTo(day(3));
    await retention.runPrune(); // partitions for days 0-6
    // Day 0: one prediction scored, one still unscored (due: its truth never came); day 1: all scored;
    // day 2: scored before the later cutoff, but its partition straddles that cutoff.
    const d0 = await round(day(0) + HOUR, { a: day(0) + 2 * HOUR, b: null });
    const d1 = await round(day(1) + HOUR, { a: day(1) + 2 * HOUR, b: day(1) + 3 * HOUR });
    const d2 = await round(day(2) + HOUR, { a: day(2) + 2 * HOUR });
    // Written when no partition covered its day (before the first one): the default partition, pruned row by row.
    const early = await round(day(-5) + HOUR, { a: day(-5) + 2 * HOUR, b: null });

    // Cutoff day 1 + 12 h: day 0's partition is past it but held by the unscored prediction, and not
    // yet a straggler (a day, the horizon and the wait after its end): its scored row stays for now.
    await clock.advanceTo(day(31) + 12 * HOUR);
    expect((await retention.runPrune())!.predictions).toBe(1); // the default partition's scored row
    expect(await ids(ds)).toEqual([d0.a, d0.b, d1.a, d1.b, d2.a, early.b].sort());

    // Cutoff day 2 + 3 h: day 1 is dropped whole (2 rows); day 0 is now a straggler partition, so
    // its scored row goes row by row and the unscored one stays; day 2 straddles the cutoff: kept.
    await clock.advanceTo(day(32) + 3 * HOUR);
    const result = await retention.runPrune();
    expect(result!.predictions).toBe(3);
    expect(await ids(ds)).toEqual([d0.b, d2.a, early.b].sort());
    const names = await partitionNames();
    expect(names).not.toContain(predictionPartitionName(day(1), day(2)));
    expect(names).toContain(predictionPartitionName(day(0), day(1)));
    expect(names).toContain(predictionPartitionName(day(2), day(3)));
    // Day 1's round lost its predictions with its partition: it goes as an emptied round; day 0's stays with its unscored prediction.
    const left: Array<{ performed_at: Date }> = await ds.query(`SELECT performed_at FROM prediction_rounds ORDER BY performed_at`);
    expect(left.map((r) => r.performed_at.getTime())).toEqual([day(-5) + HOUR, day(0) + HOUR, day(2) + HOUR]);

    // Once day 2's partition is wholly past the cutoff, it is dropped too.
    await clock.advanceTo(day(33) + 3 * HOUR);
    expect((await retention.runPrune())!.predictions).toBe(1);
    expect(await ids(ds)).toEqual([d0.b, early.b].sort());
  });
});

// A second session holding a lock needs a server: PGlite serves one connection at a time.
(process.env.TEST_DATABASE_URL ? describe : describe.skip)('ScoreRetentionService while a long read holds predictions [postgres]', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  }, 60_000);
  afterAll(() => db?.close(), 60_000);

  it('leaves a partition it cannot lock to the next run instead of failing or waiting, and drops it then', async () => {
    const ds = db.dataSource;
    const competition = competitionFixture();
    const clock = new VirtualClock(day(0));
    const rounds = new PredictionRoundRepository(ds);
    const partitions = new PredictionPartitionRepository(ds);
    const retention = new ScoreRetentionService(competition, clock, ds, rounds, partitions, new ScoreSnapshotRepository(ds), new ScoreSnapshotPartitionRepository(ds), new ScoreWindowRepository(ds));
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ($1, 'c', '{}')`, [competition.id]);
    const configId = randomUUID();
    await ds.query(`INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, $2, 'BTC', 3600, 300, 3600, 'hourly')`, [configId, competition.id]);
    await retention.runPrune();
    const record: PredictionRoundRecord = { id: randomUUID(), competitionId: competition.id, configId, scheduledAt: new Date(day(0) + HOUR), performedAt: new Date(day(0) + HOUR), resolvableAt: new Date(day(0) + 2 * HOUR) };
    await rounds.claim(record);
    const [prediction] = [{ id: randomUUID(), modelId: 'a', status: 'SUCCESS' as const, execTimeUs: 1, payloadJson: '[]', failureReason: null }];
    await rounds.insertPredictions(record, { id: configId, asset: 'BTC', horizon: 3600, step: 300 }, [prediction]);
    await ds.transaction(async (em) => {
      await rounds.claimUnscored(em, [record.id], day(0) + 2 * HOUR);
      await rounds.writeScores(em, [{ id: prediction.id, performedAtMs: day(0) + HOUR, value: 1, success: true, failedReason: null }], day(0) + 2 * HOUR);
    });

    const reader = new Client({ connectionString: db.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM predictions'); // a report's read: ACCESS SHARE on every partition until it ends
      await clock.advanceTo(day(32));
      expect(await retention.runPrune()).toEqual({ predictions: 0, snapshots: 0, buckets: 0, rounds: 0 });
      expect(((await partitions.partitions()) ?? []).map((p) => p.name)).toContain(predictionPartitionName(day(0), day(1)));
    } finally {
      await reader.query('COMMIT');
      await reader.end();
    }
    expect((await retention.runPrune())!.predictions).toBe(1);
    expect(((await partitions.partitions()) ?? []).map((p) => p.name)).not.toContain(predictionPartitionName(day(0), day(1)));
  }, 60_000);
});
