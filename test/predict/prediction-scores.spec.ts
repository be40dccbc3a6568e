import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { PredictionRecord, PredictionRoundRecord, PredictionStatus } from '../../src/predict/round/prediction-round';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { PredictionPartitionRepository, scoresPartitionName } from '../../src/predict/round/prediction-partitions.repository';
import { storeScores } from '../../bench/stored-scores';
import { describeEachEngine } from '../support/test-database';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A UTC midnight far from the real date, so the partitions the migrations made around today are out of the way. */
const D0 = Date.UTC(2026, 3, 1);
const NAME = 'PredictionScoresApart1764000028000';

async function seedConfig(ds: DataSource): Promise<string> {
  await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('c', 'c', '{}') ON CONFLICT DO NOTHING`);
  const id = randomUUID();
  await ds.query(`INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, 'c', 'BTC', 3600, 60, 720, 'hourly')`, [id]);
  return id;
}

/** A round at `performedAtMs` with one prediction per model (of the given statuses), through the predict loop's repository. */
async function storeRound(ds: DataSource, configId: string, performedAtMs: number, statuses: Record<string, PredictionStatus>): Promise<{ round: PredictionRoundRecord; ids: Record<string, string> }> {
  const round: PredictionRoundRecord = {
    id: randomUUID(),
    competitionId: 'c',
    configId,
    scheduledAt: new Date(performedAtMs),
    performedAt: new Date(performedAtMs),
    resolvableAt: new Date(performedAtMs + HOUR),
  };
  const repository = new PredictionRoundRepository(ds);
  await repository.claim(round);
  const predictions: PredictionRecord[] = Object.entries(statuses).map(([modelId, status]) => ({
    id: randomUUID(),
    modelId,
    status,
    execTimeUs: 1000,
    payloadJson: status === 'SUCCESS' ? '[{"type":"builtin","name":"norm","params":{"loc":0,"scale":0.002}}]' : null,
    failureReason: status === 'SUCCESS' ? null : 'KeyError',
  }));
  await repository.insertPredictions(round, { id: configId, asset: 'BTC', horizon: 3600, step: 60 }, predictions);
  return { round, ids: Object.fromEntries(predictions.map((p) => [p.modelId, p.id])) };
}

const queued = async (ds: DataSource): Promise<Array<{ prediction_id: string; needs_truth: boolean }>> =>
  ds.query(`SELECT prediction_id, needs_truth FROM prediction_unscored ORDER BY prediction_id`);
const scoreCount = async (ds: DataSource): Promise<number> => ((await ds.query(`SELECT count(*)::int AS n FROM prediction_scores`)) as Array<{ n: number }>)[0].n;
const scoreOf = `SELECT id, performed_at, 1::float8 AS score_value, true AS score_success, NULL::text AS score_failed_reason, $2::timestamptz AS scored_at
                   FROM predictions WHERE id = $1`;

describeEachEngine('prediction scores apart from the predictions', (db) => {
  let rounds: PredictionRoundRepository;
  let configId: string;

  beforeEach(async () => {
    const ds = db().dataSource;
    await ds.query(`TRUNCATE predictions, prediction_rounds, prediction_configs, competitions CASCADE`);
    for (const parent of ['predictions', 'prediction_scores'] as const) {
      for (const p of (await new PredictionPartitionRepository(ds).partitions(parent)) ?? []) {
        if (p.fromMs < Date.UTC(2026, 6, 1)) await ds.query(`DROP TABLE ${p.name}`);
      }
    }
    rounds = new PredictionRoundRepository(ds);
    configId = await seedConfig(ds);
  });

  it('queues every inserted prediction, whoever inserts it, with whether it needs the truth', async () => {
    const ds = db().dataSource;
    const { ids } = await storeRound(ds, configId, D0 + HOUR, { a: 'SUCCESS', b: 'TIMEOUT' });
    const expected = [
      { prediction_id: ids.a, needs_truth: true },
      { prediction_id: ids.b, needs_truth: false },
    ].sort((x, y) => (x.prediction_id < y.prediction_id ? -1 : 1));
    expect(await queued(ds)).toEqual(expected);
    // Re-inserting the same (round, model) is a no-op: nothing queued twice.
    const { round } = await storeRound(ds, configId, D0 + 2 * HOUR, { c: 'SUCCESS' });
    await rounds.insertPredictions(round, { id: configId, asset: 'BTC', horizon: 3600, step: 60 }, [
      { id: randomUUID(), modelId: 'c', status: 'SUCCESS', execTimeUs: 1, payloadJson: '[]', failureReason: null },
    ]);
    expect(await queued(ds)).toHaveLength(3);
  });

  it('claims a queued prediction once: a second claim finds none, and a rolled-back claim gives it back', async () => {
    const ds = db().dataSource;
    const { round, ids } = await storeRound(ds, configId, D0 + HOUR, { a: 'SUCCESS' });
    const due = D0 + 2 * HOUR;
    await expect(
      ds.transaction(async (em) => {
        expect(await rounds.claimUnscored(em, [round.id], due)).toEqual([ids.a]);
        throw new Error('cycle failed');
      }),
    ).rejects.toThrow('cycle failed');
    expect(await queued(ds)).toHaveLength(1);
    await ds.transaction(async (em) => {
      expect(await rounds.claimUnscored(em, [round.id], due)).toEqual([ids.a]);
      expect(await rounds.claimUnscored(em, [round.id], due)).toEqual([]);
      await rounds.writeScores(em, [{ id: ids.a, performedAtMs: D0 + HOUR, value: 0.5, success: true, failedReason: null }], due);
    });
    expect(await queued(ds)).toEqual([]);
    const [row] = await ds.query(`SELECT score_value, score_success, scored_at FROM predictions_with_scores WHERE id = $1`, [ids.a]);
    expect(row).toEqual({ score_value: 0.5, score_success: true, scored_at: new Date(due) });
    // Not before its resolvable_at.
    const later = await storeRound(ds, configId, D0 + 3 * HOUR, { a: 'SUCCESS' });
    await ds.transaction(async (em) => expect(await rounds.claimUnscored(em, [later.round.id], D0 + 3 * HOUR)).toEqual([]));
  });

  it('marks a round as having scores at its first claim, and reads only the queued predictions of such a round', async () => {
    const ds = db().dataSource;
    const { round, ids } = await storeRound(ds, configId, D0 + HOUR, { a: 'SUCCESS', b: 'SUCCESS' });
    const due = D0 + 2 * HOUR;
    expect((await rounds.findDueRounds(due, [], 100)).map((d) => [d.roundId, d.unscored, d.hadScores])).toEqual([[round.id, 2, false]]);
    await ds.transaction(async (em) => {
      expect(await rounds.lockRounds(em, [round.id])).toEqual([{ id: round.id, hadScores: false }]);
      await em.query(`DELETE FROM prediction_unscored WHERE prediction_id = $1`, [ids.a]); // a claim of a alone: b comes later
      await rounds.writeScores(em, [{ id: ids.a, performedAtMs: D0 + HOUR, value: 1, success: true, failedReason: null }], due);
    });
    expect((await rounds.findDueRounds(due, [], 100)).map((d) => [d.roundId, d.unscored, d.hadScores])).toEqual([[round.id, 1, true]]);
    expect((await rounds.readUnscored([round.id], due, undefined, [round.id])).map((p) => p.modelId)).toEqual(['b']);
    // Named as fresh, the round is read whole: the claim, not this unlocked read, decides what is scored.
    expect((await rounds.readUnscored([round.id], due)).map((p) => p.modelId)).toEqual(['a', 'b']);
    await ds.transaction(async (em) => expect(await rounds.lockRounds(em, [round.id])).toEqual([{ id: round.id, hadScores: true }]));
  });

  it('refuses a second score of one prediction, so a claim that wrote twice rolls back', async () => {
    const ds = db().dataSource;
    const { ids } = await storeRound(ds, configId, D0 + HOUR, { a: 'SUCCESS' });
    const score = { id: ids.a, performedAtMs: D0 + HOUR, value: 1, success: true, failedReason: null };
    await ds.transaction((em) => rounds.writeScores(em, [score], D0 + 2 * HOUR));
    await expect(ds.transaction((em) => rounds.writeScores(em, [{ ...score, value: 2 }], D0 + 3 * HOUR))).rejects.toThrow(/duplicate key|unique/);
    expect((await ds.query(`SELECT score_value FROM prediction_scores`)) as unknown[]).toEqual([{ score_value: 1 }]);
  });

  it('takes the queue and score rows of deleted predictions with them, and empties both on TRUNCATE', async () => {
    const ds = db().dataSource;
    const { ids } = await storeRound(ds, configId, D0 + HOUR, { a: 'SUCCESS', b: 'SUCCESS', c: 'SUCCESS' });
    await storeScores(ds, scoreOf, [ids.a, new Date(D0 + 2 * HOUR)]);
    await ds.query(`DELETE FROM predictions WHERE id = ANY($1::uuid[])`, [[ids.a, ids.b]]);
    expect((await queued(ds)).map((q) => q.prediction_id)).toEqual([ids.c]);
    expect(await scoreCount(ds)).toBe(0);
    await storeScores(ds, scoreOf, [ids.c, new Date(D0 + 2 * HOUR)]);
    await storeRound(ds, configId, D0 + 2 * HOUR, { d: 'SUCCESS' });
    await ds.query(`TRUNCATE predictions`);
    expect(await queued(ds)).toEqual([]);
    expect(await scoreCount(ds)).toBe(0);
  });

  it('voids a round: scores taken off, the unscored closed and off the queue, in one count', async () => {
    const ds = db().dataSource;
    const { round, ids } = await storeRound(ds, configId, D0 + HOUR, { a: 'SUCCESS', b: 'SUCCESS' });
    await storeScores(ds, scoreOf, [ids.a, new Date(D0 + 2 * HOUR)]);
    const changed = await ds.transaction((em) => rounds.markRoundVoid(em, round.id, 'glitch', D0 + 3 * HOUR));
    expect(changed).toBe(2);
    expect(await queued(ds)).toEqual([]);
    const rows = await ds.query(`SELECT model_id, score_value, score_success, score_failed_reason, scored_at FROM predictions_with_scores ORDER BY model_id`);
    expect(rows).toEqual([
      { model_id: 'a', score_value: null, score_success: null, score_failed_reason: 'round voided: glitch', scored_at: new Date(D0 + 2 * HOUR) },
      { model_id: 'b', score_value: null, score_success: null, score_failed_reason: 'round voided: glitch', scored_at: new Date(D0 + 3 * HOUR) },
    ]);
  });

  it('prunes scored predictions with their scores, row by row, and never an unscored one', async () => {
    const ds = db().dataSource;
    const { ids } = await storeRound(ds, configId, D0 + HOUR, { a: 'SUCCESS', b: 'SUCCESS', c: 'SUCCESS' });
    await storeScores(ds, scoreOf, [ids.a, new Date(D0 + 2 * HOUR)]);
    await storeScores(ds, scoreOf, [ids.b, new Date(D0 + 5 * DAY)]);
    expect(await rounds.prunePredictionsScoredBefore(new Date(D0 + DAY))).toBe(1);
    const left: Array<{ model_id: string }> = await ds.query(`SELECT model_id FROM predictions ORDER BY model_id`);
    expect(left.map((r) => r.model_id)).toEqual(['b', 'c']);
    expect(await scoreCount(ds)).toBe(1);
    // A partition's row-wise pruning (the default partition, here) takes the scores too.
    const partitions = new PredictionPartitionRepository(ds);
    expect(await partitions.pruneScoredBefore('predictions_default', new Date(D0 + 6 * DAY))).toBe(1);
    expect(await scoreCount(ds)).toBe(0);
    expect((await queued(ds)).map((q) => q.prediction_id)).toEqual([ids.c]);
  });

  it('gives every predictions partition a scores partition of the same bounds, and drops both together', async () => {
    const ds = db().dataSource;
    const partitions = new PredictionPartitionRepository(ds);
    await partitions.createAhead(D0, 1, 1);
    const bounds = async (parent: 'predictions' | 'prediction_scores') =>
      ((await partitions.partitions(parent)) ?? []).filter((p) => p.fromMs >= D0 && p.fromMs < D0 + 30 * DAY);
    const days = await bounds('predictions');
    expect(days).toHaveLength(2);
    expect(await bounds('prediction_scores')).toEqual(days.map((p) => ({ ...p, name: scoresPartitionName(p.name) })));
    const { ids } = await storeRound(ds, configId, D0 + HOUR, { a: 'SUCCESS' });
    await storeScores(ds, scoreOf, [ids.a, new Date(D0 + 2 * HOUR)]);
    const [where] = await ds.query(`SELECT tableoid::regclass::text AS partition FROM prediction_scores`);
    expect(where).toEqual({ partition: scoresPartitionName(days[0].name) });
    expect(await partitions.dropIfScoredBefore(days[0], new Date(D0 + 10 * DAY))).toBe(1);
    expect(await bounds('prediction_scores')).toEqual([{ ...days[1], name: scoresPartitionName(days[1].name) }]);
    // A day whose predictions partition was dropped by hand gets it back; its scores partition stays as it was.
    await ds.query(`DROP TABLE ${days[1].name}`);
    await partitions.createAhead(D0 + DAY, 1, 0);
    expect((await bounds('predictions')).map((p) => p.name)).toEqual([days[1].name]);
  });
});

describeEachEngine('the migration moving scores apart', (db) => {
  const applied = async (ds: DataSource) => {
    const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM typeorm_migrations WHERE name = $1`, [NAME]);
    return rows[0].n === 1;
  };
  const revert = async (ds: DataSource) => {
    while (await applied(ds)) await ds.undoLastMigration({ transaction: 'each' });
  };
  const rowsOf = async (ds: DataSource, from: string): Promise<string[]> =>
    ((await ds.query(
      `SELECT concat_ws('|', id, round_id, model_id, status, payload::text, encode(payload_compact, 'base64'), failure_reason, performed_at, resolvable_at,
                        score_value, score_success, score_failed_reason, scored_at) AS row FROM ${from} ORDER BY id`,
    )) as Array<{ row: string }>).map((r) => r.row);

  it('moves scores into their table and the unscored into the queue, and back, keeping every value', async () => {
    const ds = db().dataSource;
    await ds.query(`TRUNCATE predictions, prediction_rounds, prediction_configs, competitions CASCADE`);
    await revert(ds);
    const configId = await seedConfig(ds);
    const { ids } = await storeRound(ds, configId, Date.now() - HOUR, { a: 'SUCCESS', b: 'FAILED', c: 'SUCCESS' });
    await ds.query(`UPDATE predictions SET scored_at = $2, score_value = 0.25, score_success = true WHERE id = $1`, [ids.a, new Date()]);
    await ds.query(`UPDATE predictions SET scored_at = $2, score_value = NULL, score_success = false, score_failed_reason = 'KeyError' WHERE id = $1`, [ids.b, new Date()]);
    const before = await rowsOf(ds, 'predictions');
    expect(before).toHaveLength(3);

    await ds.runMigrations({ transaction: 'each' });
    expect(await rowsOf(ds, 'predictions_with_scores')).toEqual(before);
    expect(await queued(ds)).toEqual([{ prediction_id: ids.c, needs_truth: true }]);
    expect(await scoreCount(ds)).toBe(2);
    const columns: Array<{ column_name: string }> = await ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'predictions' AND column_name LIKE 'score%'`);
    expect(columns).toEqual([]);
    // Every dated predictions partition has its scores twin.
    const partitions = new PredictionPartitionRepository(ds);
    const twins = ((await partitions.partitions('predictions')) ?? []).map((p) => ({ ...p, name: scoresPartitionName(p.name) }));
    expect(await partitions.partitions('prediction_scores')).toEqual(twins);

    await revert(ds);
    expect(await rowsOf(ds, 'predictions')).toEqual(before);
    const tables: Array<{ t: string | null }> = await ds.query(`SELECT to_regclass('prediction_scores')::text AS t UNION ALL SELECT to_regclass('prediction_unscored')::text`);
    expect(tables).toEqual([{ t: null }, { t: null }]);
    await ds.runMigrations({ transaction: 'each' });
    expect(await rowsOf(ds, 'predictions_with_scores')).toEqual(before);
  });
});
