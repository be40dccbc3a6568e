import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { PredictionRecord, PredictionRoundRecord } from '../../src/predict/round/prediction-round';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { storeScores } from '../../bench/stored-scores';
import { DEFAULT_PREDICTIONS_PARTITION, periodStartMs, PredictionPartitionRepository, predictionPartitionDays, predictionPartitionName } from '../../src/predict/round/prediction-partitions.repository';
import { describeEachEngine } from '../support/test-database';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A UTC midnight far from the real date, so the partitions the migration made around today are out of the way. */
const D0 = Date.UTC(2026, 2, 1);
const CONFIG = { id: '', asset: 'BTC', horizon: 3600, step: 60 };

/** Writes rounds and predictions through the repository the predict loop uses. */
async function seedConfig(ds: DataSource): Promise<string> {
  await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('c', 'c', '{}') ON CONFLICT DO NOTHING`);
  const id = randomUUID();
  await ds.query(`INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, 'c', 'BTC', 3600, 60, 720, 'hourly')`, [id]);
  return id;
}

/** A round at `performedAtMs`, claimed as the predict loop claims it, and one answer per model. */
async function claimedRound(ds: DataSource, configId: string, performedAtMs: number, models: string[]): Promise<{ round: PredictionRoundRecord; predictions: PredictionRecord[] }> {
  const round: PredictionRoundRecord = {
    id: randomUUID(),
    competitionId: 'c',
    configId,
    scheduledAt: new Date(performedAtMs),
    performedAt: new Date(performedAtMs),
    resolvableAt: new Date(performedAtMs + HOUR),
  };
  expect(await new PredictionRoundRepository(ds).claim(round)).toBe(true);
  const predictions: PredictionRecord[] = models.map((modelId) => ({ id: randomUUID(), modelId, status: 'SUCCESS', execTimeUs: 1200, payloadJson: `[{"type":"builtin","name":"norm","params":{"loc":0.0,"scale":0.00123456789012345}}]`, failureReason: null }));
  return { round, predictions };
}

async function storeRound(ds: DataSource, configId: string, performedAtMs: number, models: string[]): Promise<{ round: PredictionRoundRecord; predictions: PredictionRecord[] }> {
  const { round, predictions } = await claimedRound(ds, configId, performedAtMs, models);
  const outcome = await new PredictionRoundRepository(ds).insertPredictions(round, { ...CONFIG, id: configId }, predictions);
  expect(outcome.inserted).toBe(models.length);
  return { round, predictions };
}

/**
 * A round stored as a version from before the later migrations wrote it (plain SQL, payload as
 * text): what the table holds when this migration runs. The repository of today writes columns
 * those versions did not have.
 */
async function storeRoundAsBefore(ds: DataSource, configId: string, performedAtMs: number, models: string[]): Promise<{ round: PredictionRoundRecord; predictions: PredictionRecord[] }> {
  const { round, predictions } = await claimedRound(ds, configId, performedAtMs, models);
  for (const p of predictions) {
    await ds.query(
      `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, exec_time_us, payload, failure_reason, performed_at, resolvable_at)
       VALUES ($1, $2, $3, $4, 'BTC', 3600, 60, $5, $6, $7::json, $8, $9, $10)`,
      [p.id, round.id, p.modelId, configId, p.status, p.execTimeUs, p.payloadJson, p.failureReason, round.performedAt, round.resolvableAt],
    );
  }
  return { round, predictions };
}

/** A score of 1 for prediction $1, scored at $2 (for storeScores). */
const scoreOf = `SELECT id, performed_at, 1::float8 AS score_value, true AS score_success, NULL::text AS score_failed_reason, $2::timestamptz AS scored_at
                   FROM predictions WHERE id = $1`;

/**
 * Every prediction as text, by id, with its score: what must survive a migration or a partition
 * change unchanged (scores are in the predictions' own columns before migration 1764000028000).
 */
async function allRows(ds: DataSource): Promise<string[]> {
  const [{ apart }]: Array<{ apart: boolean }> = await ds.query(`SELECT to_regclass('predictions_with_scores') IS NOT NULL AS apart`);
  const rows: Array<{ row: string }> = await ds.query(
    `SELECT concat_ws('|', id, round_id, model_id, config_id, asset, horizon, step, status, exec_time_us, payload::text, failure_reason,
                      performed_at, resolvable_at, score_value, score_success, score_failed_reason, scored_at) AS row
       FROM ${apart ? 'predictions_with_scores' : 'predictions'} ORDER BY id`,
  );
  return rows.map((r) => r.row);
}

async function partitionOf(ds: DataSource, id: string): Promise<string> {
  const rows: Array<{ partition: string }> = await ds.query(`SELECT tableoid::regclass::text AS partition FROM predictions WHERE id = $1`, [id]);
  return rows[0]?.partition ?? 'missing';
}

describe('predictionPartitionDays', () => {
  it('keeps about 30 partitions whatever the retention', () => {
    expect([1, 30, 31, 90, 365, 3660].map(predictionPartitionDays)).toEqual([1, 1, 2, 3, 13, 122]);
  });
});

describeEachEngine('predictions partitioned by performed_at', (db) => {
  let partitions: PredictionPartitionRepository;
  let configId: string;

  beforeEach(async () => {
    const ds = db().dataSource;
    await ds.query(`TRUNCATE predictions, prediction_rounds, prediction_configs, competitions CASCADE`);
    // Partitions earlier tests of this file made (the migration's, around today, are left alone).
    for (const parent of ['predictions', 'prediction_scores'] as const) {
      for (const p of (await new PredictionPartitionRepository(ds).partitions(parent)) ?? []) {
        if (p.fromMs < Date.UTC(2026, 6, 1)) await ds.query(`DROP TABLE ${p.name}`);
      }
    }
    partitions = new PredictionPartitionRepository(ds);
    configId = await seedConfig(ds);
  });

  it('is partitioned on both engines, with a default partition and the keys including performed_at', async () => {
    const ds = db().dataSource;
    const kind: Array<{ relkind: string }> = await ds.query(`SELECT relkind FROM pg_class WHERE relname = 'predictions'`);
    expect(kind).toEqual([{ relkind: 'p' }]);
    const keys: Array<{ conname: string; def: string }> = await ds.query(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'predictions'::regclass AND contype IN ('p', 'u', 'f') ORDER BY conname`,
    );
    expect(keys).toEqual([
      { conname: 'predictions_pkey', def: 'PRIMARY KEY (id, performed_at)' },
      { conname: 'predictions_round_id_fkey', def: 'FOREIGN KEY (round_id) REFERENCES prediction_rounds(id) ON DELETE CASCADE' },
      { conname: 'predictions_round_model_unique', def: 'UNIQUE (round_id, model_id, performed_at)' },
    ]);
    const indexes: Array<{ indexname: string }> = await ds.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'predictions' ORDER BY 1`);
    expect(indexes.map((i) => i.indexname)).toEqual(['predictions_model_performed_idx', 'predictions_pkey', 'predictions_round_model_unique']);
    const defaults: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = $1 AND relispartition`, [DEFAULT_PREDICTIONS_PARTITION]);
    expect(defaults).toEqual([{ n: 1 }]);
  });

  it('creates the current period and the ones ahead, once', async () => {
    const created = await partitions.createAhead(D0 + 5 * HOUR, 1, 3);
    expect(created.map((p) => [p.name, p.fromMs, p.toMs, p.moved])).toEqual(
      [0, 1, 2, 3].map((d) => [predictionPartitionName(D0 + d * DAY, D0 + (d + 1) * DAY), D0 + d * DAY, D0 + (d + 1) * DAY, 0]),
    );
    expect(await partitions.createAhead(D0 + 20 * HOUR, 1, 3)).toEqual([]);
    const next = await partitions.createAhead(D0 + DAY + HOUR, 1, 3);
    expect(next.map((p) => p.fromMs)).toEqual([D0 + 4 * DAY]);
    const listed = (await partitions.partitions())!.filter((p) => p.fromMs >= D0 && p.fromMs < D0 + 30 * DAY);
    expect(listed.map((p) => p.fromMs)).toEqual([0, 1, 2, 3, 4].map((d) => D0 + d * DAY));
  });

  it('fills only the gaps when the period length changes', async () => {
    const start = periodStartMs(D0, 2); // a UTC midnight where one-day and two-day periods both begin
    await partitions.createAhead(start, 1, 1); // [start, +1 d) and [+1 d, +2 d)
    const created = await partitions.createAhead(start + HOUR, 2, 1); // two-day periods: [start, +2 d) is covered, [+2 d, +4 d) is not
    expect(created.map((p) => [p.fromMs, p.toMs])).toEqual([[start + 2 * DAY, start + 4 * DAY]]);
    // Off the new alignment, only what no partition covers is made, up to the next one.
    const shifted = await partitions.createAhead(start + 5 * DAY, 1, 0);
    expect(shifted.map((p) => [p.fromMs, p.toMs])).toEqual([[start + 5 * DAY, start + 6 * DAY]]);
    const filled = await partitions.createAhead(start + 3 * DAY, 2, 1); // [+2 d, +6 d): the gap between +4 d and +5 d
    expect(filled.map((p) => [p.fromMs, p.toMs])).toEqual([[start + 4 * DAY, start + 5 * DAY]]);
  });

  it('stores a prediction beyond the last partition in the default partition, and moves it into the partition created for it later', async () => {
    const ds = db().dataSource;
    await partitions.createAhead(D0, 1, 0);
    const inside = await storeRound(ds, configId, D0 + HOUR, ['a']);
    const beyond = await storeRound(ds, configId, D0 + 2 * DAY + HOUR, ['a', 'b']);
    expect(await partitionOf(ds, inside.predictions[0].id)).toBe(predictionPartitionName(D0, D0 + DAY));
    for (const p of beyond.predictions) expect(await partitionOf(ds, p.id)).toBe(DEFAULT_PREDICTIONS_PARTITION);
    const before = await allRows(ds);

    const created = await partitions.createAhead(D0 + 2 * DAY, 1, 0);
    expect(created.map((p) => [p.fromMs, p.moved])).toEqual([[D0 + 2 * DAY, 2]]);
    for (const p of beyond.predictions) expect(await partitionOf(ds, p.id)).toBe(predictionPartitionName(D0 + 2 * DAY, D0 + 3 * DAY));
    expect(await allRows(ds)).toEqual(before);
  });

  it('keeps the idempotent insert: storing a round again writes nothing', async () => {
    const ds = db().dataSource;
    await partitions.createAhead(D0, 1, 0);
    const { round, predictions } = await storeRound(ds, configId, D0 + HOUR, ['a', 'b']);
    const again = await new PredictionRoundRepository(ds).insertPredictions(round, { ...CONFIG, id: configId }, predictions.map((p) => ({ ...p, id: randomUUID() })));
    expect(again).toEqual({ inserted: 0, rejectedPayloads: [] });
    const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM predictions`);
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('deletes a round\'s predictions with the round (ON DELETE CASCADE across partitions)', async () => {
    const ds = db().dataSource;
    await partitions.createAhead(D0, 1, 0);
    const { round } = await storeRound(ds, configId, D0 + HOUR, ['a']);
    await storeRound(ds, configId, D0 + 3 * DAY, ['a']); // default partition
    await ds.query(`DELETE FROM prediction_rounds WHERE id = $1`, [round.id]);
    const left: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM predictions WHERE round_id = $1`, [round.id]);
    expect(left).toEqual([{ n: 0 }]);
  });

  it('gives each model its latest status, looking at the recent partitions first and at all of them only for models with nothing recent', async () => {
    const ds = db().dataSource;
    await partitions.createAhead(D0, 1, 3);
    const rounds = new PredictionRoundRepository(ds);
    await storeRound(ds, configId, D0 + HOUR, ['recent', 'quiet']);
    const latest = await storeRound(ds, configId, D0 + 3 * DAY, ['recent']);
    await ds.query(`UPDATE predictions SET status = 'TIMEOUT', payload = NULL WHERE id = $1`, [latest.predictions[0].id]);
    const since = new Date(D0 + 2 * DAY);
    const statuses = await rounds.lastStatuses(['recent', 'quiet', 'never'], since);
    expect(Object.fromEntries(statuses)).toEqual({ recent: 'TIMEOUT', quiet: 'SUCCESS' });
    expect(Object.fromEntries(await rounds.lastStatuses(['recent', 'quiet', 'never']))).toEqual({ recent: 'TIMEOUT', quiet: 'SUCCESS' });
  });

  it('measures each model\'s largest answer as the bytes of its text, stored compact or as text, per competition or per rounds', async () => {
    const ds = db().dataSource;
    await partitions.createAhead(D0, 1, 1);
    const rounds = new PredictionRoundRepository(ds);
    // a: sixty steps as JSON.stringify writes them (stored compact); b: the short answer of storeRound (kept as text).
    const long = JSON.stringify(Array.from({ length: 60 }, (_, k) => ({ type: 'builtin', name: 'norm', params: { loc: k * 1e-5, scale: 0.00123456789 } })));
    const first = await storeRound(ds, configId, D0 + HOUR, ['b']);
    await rounds.insertPredictions(first.round, { ...CONFIG, id: configId }, [{ id: randomUUID(), modelId: 'a', status: 'SUCCESS', execTimeUs: 1, payloadJson: long, failureReason: null }]);
    const second = await storeRound(ds, configId, D0 + 2 * HOUR, ['a']);
    const compact: Array<{ model_id: string }> = await ds.query(`SELECT model_id FROM predictions WHERE payload_compact IS NOT NULL`);
    expect(compact).toEqual([{ model_id: 'a' }]);
    const short = Buffer.byteLength(first.predictions[0].payloadJson!, 'utf8');
    const expected = { a: Buffer.byteLength(long, 'utf8'), b: short };
    expect(Object.fromEntries(await rounds.largestPayloadBytes({ competitionId: 'c' }))).toEqual(expected);
    expect(Object.fromEntries(await rounds.largestPayloadBytes({ roundIds: [first.round.id] }))).toEqual(expected);
    expect(Object.fromEntries(await rounds.largestPayloadBytes({ roundIds: [second.round.id] }))).toEqual({ a: short });
  });

  it('drops a partition only when every row in it was scored before the cutoff, counting its rows', async () => {
    const ds = db().dataSource;
    await partitions.createAhead(D0, 1, 1);
    const day0 = await storeRound(ds, configId, D0 + HOUR, ['a', 'b']);
    const [p0, p1] = (await partitions.partitions())!.filter((p) => p.fromMs === D0 || p.fromMs === D0 + DAY);
    await storeScores(ds, scoreOf, [day0.predictions[0].id, new Date(D0 + 2 * HOUR)]);
    const cutoff = new Date(D0 + 10 * DAY);
    expect(await partitions.dropIfScoredBefore(p0, cutoff)).toBeNull(); // b is unscored
    await storeScores(ds, scoreOf, [day0.predictions[1].id, new Date(D0 + 11 * DAY)]);
    expect(await partitions.dropIfScoredBefore(p0, cutoff)).toBeNull(); // b was scored after the cutoff
    expect(await partitions.dropIfScoredBefore(p0, new Date(D0 + 12 * DAY))).toBe(2);
    expect(await partitions.dropIfScoredBefore(p1, cutoff)).toBe(0); // empty
    const left = (await partitions.partitions())!.filter((p) => p.fromMs >= D0 && p.fromMs < D0 + 30 * DAY);
    expect(left).toEqual([]);
    // A later write for a dropped day is not refused: it goes to the default partition.
    const late = await storeRound(ds, configId, D0 + 2 * HOUR, ['c']);
    expect(await partitionOf(ds, late.predictions[0].id)).toBe(DEFAULT_PREDICTIONS_PARTITION);
  });
});

describeEachEngine('the partitioning migration', (db) => {
  const NAME = 'PredictionsPartitionedByTime1764000023000';
  const applied = async (ds: DataSource) => {
    const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM typeorm_migrations WHERE name = $1`, [NAME]);
    return rows[0].n === 1;
  };
  /** Reverts migrations down to and including this one (later ones first, as TypeORM does). */
  const revert = async (ds: DataSource) => {
    while (await applied(ds)) await ds.undoLastMigration({ transaction: 'each' });
  };
  const relkind = async (ds: DataSource) => ((await ds.query(`SELECT relkind FROM pg_class WHERE relname = 'predictions'`)) as Array<{ relkind: string }>)[0].relkind;

  it('keeps every row of a populated table, up and down', async () => {
    const ds = db().dataSource;
    await revert(ds);
    expect(await relkind(ds)).toBe('r');
    const configId = await seedConfig(ds);
    const old = await storeRoundAsBefore(ds, configId, D0 + HOUR, ['a', 'b']);
    await storeRoundAsBefore(ds, configId, D0 + 40 * DAY + 5 * HOUR, ['a', 'b', 'c']);
    await storeRoundAsBefore(ds, configId, Date.now(), ['a']);
    await ds.query(`UPDATE predictions SET scored_at = $2, score_value = 0.5, score_success = true WHERE id = $1`, [old.predictions[0].id, new Date(D0 + 2 * HOUR)]);
    await ds.query(`UPDATE predictions SET status = 'FAILED', payload = NULL, failure_reason = 'KeyError' WHERE id = $1`, [old.predictions[1].id]);
    const before = await allRows(ds);
    expect(before).toHaveLength(6);

    await ds.runMigrations({ transaction: 'each' });
    expect(await relkind(ds)).toBe('p');
    expect(await allRows(ds)).toEqual(before);
    const inDefault: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM ${DEFAULT_PREDICTIONS_PARTITION}`);
    expect(inDefault).toEqual([{ n: 0 }]); // every stored day got its partition
    // The rows span D0 to today, so the migration chose the period retention would for that span.
    const days = predictionPartitionDays(Math.ceil((Date.now() - D0) / DAY));
    const from = periodStartMs(D0, days);
    expect(await partitionOf(ds, old.predictions[0].id)).toBe(predictionPartitionName(from, from + days * DAY));

    await revert(ds);
    expect(await relkind(ds)).toBe('r');
    expect(await allRows(ds)).toEqual(before);
    const keys: Array<{ def: string }> = await ds.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname IN ('predictions_pkey', 'predictions_round_model_unique') ORDER BY conname`);
    expect(keys).toEqual([{ def: 'PRIMARY KEY (id)' }, { def: 'UNIQUE (round_id, model_id)' }]);

    await ds.runMigrations({ transaction: 'each' });
    expect(await allRows(ds)).toEqual(before);

  });
});
