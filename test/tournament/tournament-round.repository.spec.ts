import { randomUUID } from 'node:crypto';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { TournamentGroundTruth } from '../../src/tournament/tournament-ground-truth';
import { TournamentRoundRepository } from '../../src/tournament/tournament-round.repository';
import { tournamentRoundStatus } from '../../src/tournament/tournament-round';
import { describeEachEngine } from '../support/test-database';
import { storeScores } from '../../bench/stored-scores';

const COMPETITION = { id: 'cup' } as CompetitionDefinition;
const ORIGIN_MS = Date.UTC(2026, 0, 5, 12);

describeEachEngine('tournament rounds and their ground truth', (db) => {
  let repository: TournamentRoundRepository;
  let truth: TournamentGroundTruth;
  let configId: string;
  const query = (performedAtMs: number) => truth.groundTruth({ subject: 'round', performedAtMs, horizon: 1, step: 1, target: 'difference' });

  beforeAll(async () => {
    const ds = db().dataSource;
    repository = new TournamentRoundRepository(ds);
    truth = new TournamentGroundTruth(COMPETITION, repository);
    configId = randomUUID();
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('cup', 'cup', '{}')`);
    await ds.query(`INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group", active) VALUES ($1, 'cup', 'round', 1, 1, 86400, 'tournament', false)`, [configId]);
  });

  async function predictionRound(performedAtMs: number, models: string[]): Promise<string> {
    const id = randomUUID();
    const at = new Date(performedAtMs);
    await db().dataSource.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at, model_count, success_count) VALUES ($1, 'cup', $2, $3, $3, $4, $5, $5)`,
      [id, configId, at, new Date(performedAtMs + 1000), models.length],
    );
    for (const model of models) {
      await db().dataSource.query(
        `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, payload, performed_at, resolvable_at) VALUES ($1, $2, $3, $4, 'round', 1, 1, 'SUCCESS', '[1,2]', $5, $6)`,
        [randomUUID(), id, model, configId, at, new Date(performedAtMs + 1000)],
      );
    }
    return id;
  }

  it('opens a round once per client round id (the unique key decides)', async () => {
    const round = { competitionId: 'cup', clientRoundId: 'week-1', inputs: { features: [[1], [2]] }, inputsSha256: 'a', inputsFile: null };
    expect(await repository.open({ id: randomUUID(), ...round })).toBe(true);
    expect(await repository.open({ id: randomUUID(), ...round })).toBe(false);
    const stored = await repository.byClientRoundId('cup', 'week-1');
    expect(stored).toMatchObject({ status: 'open', predictionRoundId: null, counts: null, truth: null });
    expect(await repository.inputsOf(stored!.id)).toEqual({ features: [[1], [2]] });
    // Rounds without a client id never collide.
    expect(await repository.open({ id: randomUUID(), ...round, clientRoundId: null })).toBe(true);
    expect(await repository.open({ id: randomUUID(), ...round, clientRoundId: null })).toBe(true);
  });

  it('answers the posted truth for the origin of the round, waits before it is posted, and knows no other origin', async () => {
    const id = randomUUID();
    await repository.open({ id, competitionId: 'cup', clientRoundId: 'week-2', inputs: {}, inputsSha256: 'b', inputsFile: null });
    const predictionRoundId = await predictionRound(ORIGIN_MS, ['m1', 'm2']);
    await repository.predicted(id, predictionRoundId, ORIGIN_MS);
    expect(await query(ORIGIN_MS)).toEqual({ ok: false, retryable: true, reason: expect.stringContaining(`POST /tournament/rounds/${id}/truth`) });
    expect(await repository.byId('cup', id)).toMatchObject({ status: 'predicted', performedAtMs: ORIGIN_MS, counts: { modelCount: 2, successCount: 2 }, scoredPredictions: 0 });

    expect(await repository.postTruth(id, [0.5, -1], 'sha-1')).toBe(true);
    expect(await repository.postTruth(id, [9, 9], 'sha-2')).toBe(false); // posted once
    expect(await query(ORIGIN_MS)).toEqual({ ok: true, values: [0.5, -1] });
    expect(await query(ORIGIN_MS + 1)).toEqual({ ok: false, retryable: false, reason: expect.stringContaining('no tournament round was opened at') });
  });

  it('turns a number truth into the one-value list the scorer reads', async () => {
    const id = randomUUID();
    await repository.open({ id, competitionId: 'cup', clientRoundId: 'week-3', inputs: {}, inputsSha256: 'c', inputsFile: null });
    await repository.predicted(id, await predictionRound(ORIGIN_MS + 5000, ['m1']), ORIGIN_MS + 5000);
    await repository.postTruth(id, 2.5, 'sha-3');
    expect(await query(ORIGIN_MS + 5000)).toEqual({ ok: true, values: [2.5] });
  });

  it('is scored once every prediction has its score, and void when its prediction round was voided', async () => {
    const round = await repository.byClientRoundId('cup', 'week-2');
    await storeScores(
      db().dataSource,
      `SELECT id, performed_at, 0.5::float8 AS score_value, true AS score_success, NULL::text AS score_failed_reason, now() AS scored_at FROM predictions WHERE round_id = $1`,
      [round!.predictionRoundId],
    );
    expect(await repository.byId('cup', round!.id)).toMatchObject({ status: 'scored', scoredPredictions: 2 });
    expect((await repository.predictionsOf(round!.predictionRoundId!)).map((p) => [p.modelId, p.scoreValue])).toEqual([
      ['m1', 0.5],
      ['m2', 0.5],
    ]);
    await db().dataSource.query(`UPDATE prediction_rounds SET voided_at = now(), void_reason = 'feed glitch' WHERE id = $1`, [round!.predictionRoundId]);
    expect(await repository.byId('cup', round!.id)).toMatchObject({ status: 'void' });
  });

  it('lists the rounds newest first and discards an open round whose predictions could not be stored', async () => {
    const id = randomUUID();
    await repository.open({ id, competitionId: 'cup', clientRoundId: 'week-4', inputs: {}, inputsSha256: 'd', inputsFile: null });
    expect((await repository.recent('cup', { limit: 1 }))[0].id).toBe(id);
    await repository.discard(id);
    expect(await repository.byId('cup', id)).toBeNull();
    expect(await repository.recent('other', { limit: 10 })).toEqual([]);
  });
});

describe('a tournament round status', () => {
  const facts = { predictionRoundId: 'r', voided: false, modelCount: 2, scoredPredictions: 0, truthPosted: false };
  it.each([
    [{ ...facts, predictionRoundId: null, modelCount: null }, 'open'],
    [facts, 'predicted'],
    [{ ...facts, truthPosted: true, scoredPredictions: 1 }, 'predicted'],
    [{ ...facts, truthPosted: true, scoredPredictions: 2 }, 'scored'],
    // Scored without a truth: the cycle stopped waiting for it (scoring.maxWaitSeconds).
    [{ ...facts, scoredPredictions: 2 }, 'void'],
    [{ ...facts, modelCount: 0 }, 'predicted'],
    [{ ...facts, voided: true, truthPosted: true, scoredPredictions: 2 }, 'void'],
  ])('of %j is %s', (given, status) => {
    expect(tournamentRoundStatus(given)).toBe(status);
  });
});
