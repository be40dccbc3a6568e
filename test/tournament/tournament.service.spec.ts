import type { ModuleRef } from '@nestjs/core';
import { SystemClock } from '../../src/clock/clock';
import type { CompetitionSyncService } from '../../src/competition/competition-sync.service';
import type { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import { parseCompetitionDefinition } from '../../src/config/competition/competition.loader';
import { PredictionRoundService } from '../../src/predict/round/prediction-round.service';
import { ScoreCycleService } from '../../src/score/score-cycle.service';
import { OpeningRound, TournamentRoundRepository } from '../../src/tournament/tournament-round.repository';
import { TournamentRound, tournamentRoundStatus } from '../../src/tournament/tournament-round';
import { TournamentConflictError, TournamentRoundNotFoundError, TournamentUnavailableError } from '../../src/tournament/tournament.errors';
import { TournamentService } from '../../src/tournament/tournament.service';

const COMPETITION = parseCompetitionDefinition({
  id: 'cup',
  tournament: { inputs: { type: 'object' }, truth: { type: 'array', items: { type: 'number' } } },
  model: { baseClass: 'cup.model.RoundModel', callTimeoutMs: 1000, output: { kind: 'vector' } },
  scoring: { scorer: 'spearman', windows: { recent: 604800, steady: 1209600, anchor: 2419200 } },
});
const CONFIG = { id: 'config-1', competitionId: 'cup', asset: 'round', horizon: 1, step: 1, interval: 86400, group: 'tournament', active: false, order: 0 };

interface StoredRound extends OpeningRound {
  predictionRoundId: string | null;
  performedAtMs: number | null;
  truth: number | number[] | null;
  truthSha256: string | null;
  openedAt: Date;
  scored: number;
  models: number;
}

/** tournament_rounds in memory, with the prediction round's counts the real one joins. */
class FakeRounds {
  readonly rows = new Map<string, StoredRound>();

  async open(round: OpeningRound): Promise<boolean> {
    if ([...this.rows.values()].some((r) => r.clientRoundId !== null && r.clientRoundId === round.clientRoundId)) return false;
    this.rows.set(round.id, { ...round, predictionRoundId: null, performedAtMs: null, truth: null, truthSha256: null, openedAt: new Date(), scored: 0, models: 0 });
    return true;
  }
  async predicted(id: string, predictionRoundId: string, performedAtMs: number): Promise<void> {
    Object.assign(this.rows.get(id)!, { predictionRoundId, performedAtMs, models: 2 });
  }
  async discard(id: string): Promise<void> {
    if (this.rows.get(id)?.predictionRoundId === null) this.rows.delete(id);
  }
  async postTruth(id: string, truth: number | number[], truthSha256: string): Promise<boolean> {
    const row = this.rows.get(id)!;
    if (row.truth !== null) return false;
    Object.assign(row, { truth, truthSha256 });
    return true;
  }
  async byId(_competitionId: string, id: string): Promise<TournamentRound | null> {
    const row = this.rows.get(id);
    return row ? this.view(row) : null;
  }
  async byClientRoundId(_competitionId: string, clientRoundId: string): Promise<TournamentRound | null> {
    const row = [...this.rows.values()].find((r) => r.clientRoundId === clientRoundId);
    return row ? this.view(row) : null;
  }
  private view(row: StoredRound): TournamentRound {
    const counts = row.predictionRoundId === null ? null : { modelCount: row.models, successCount: row.models, failedCount: 0, timeoutCount: 0, absentCount: 0 };
    return {
      id: row.id,
      competitionId: row.competitionId,
      clientRoundId: row.clientRoundId,
      inputsSha256: row.inputsSha256,
      inputsFile: row.inputsFile,
      predictionRoundId: row.predictionRoundId,
      performedAtMs: row.performedAtMs,
      truth: row.truth,
      truthSha256: row.truthSha256,
      truthPostedAt: row.truth === null ? null : new Date(),
      openedAt: row.openedAt,
      counts,
      scoredPredictions: row.scored,
      status: tournamentRoundStatus({ predictionRoundId: row.predictionRoundId, voided: false, modelCount: counts?.modelCount ?? null, scoredPredictions: row.scored, truthPosted: row.truth !== null }),
    };
  }
}

describe('TournamentService', () => {
  let rounds: FakeRounds;
  let runs: Array<{ args: unknown; performedAt: Date }>;
  let cycles: number;
  let services: Map<unknown, unknown>;
  let service: TournamentService;

  beforeEach(() => {
    rounds = new FakeRounds();
    runs = [];
    cycles = 0;
    const roundService = {
      run: async (_config: unknown, scheduledAt: Date, _selection: unknown, args: unknown) => {
        runs.push({ args, performedAt: scheduledAt });
        return { roundId: `prediction-${runs.length}`, configId: CONFIG.id, scheduledAt, performedAt: scheduledAt, counts: { modelCount: 2, successCount: 2, failedCount: 0, timeoutCount: 0, absentCount: 0 }, durationMs: 1, rejectedPayloads: [], buffered: false };
      },
    };
    // A scoring cycle scores every round whose truth is posted.
    const scoreCycles = {
      runCycle: async () => {
        cycles++;
        for (const row of rounds.rows.values()) if (row.truth !== null) row.scored = row.models;
        return {};
      },
    };
    services = new Map<unknown, unknown>([
      [PredictionRoundService, roundService],
      [ScoreCycleService, scoreCycles],
    ]);
    const moduleRef = {
      get: (type: unknown) => {
        if (!services.has(type)) throw new Error('not in this app');
        return services.get(type);
      },
    } as unknown as ModuleRef;
    const configs = { all: async () => [CONFIG] } as unknown as PredictionConfigRepository;
    const sync = { synced: async () => undefined } as unknown as CompetitionSyncService;
    service = new TournamentService(COMPETITION, rounds as unknown as TournamentRoundRepository, configs, sync, new SystemClock(), moduleRef);
  });

  it('calls the models with the round inputs as predict(inputs), and stores the prediction round it ran', async () => {
    const { round, created } = await service.open({ clientRoundId: 'w-1', inputs: { features: [[1], [2]] }, inputsFile: null });
    expect(created).toBe(true);
    expect(runs).toEqual([{ args: { positional: [{ type: 'JSON', value: { features: [[1], [2]] } }] }, performedAt: expect.any(Date) }]);
    expect(round).toMatchObject({ status: 'predicted', predictionRoundId: 'prediction-1', clientRoundId: 'w-1' });
  });

  it('returns the round a round id opened, whatever the key order of the same inputs; other inputs are a conflict', async () => {
    const first = await service.open({ clientRoundId: 'w-1', inputs: { a: 1, b: [2] }, inputsFile: null });
    const again = await service.open({ clientRoundId: 'w-1', inputs: { b: [2], a: 1 }, inputsFile: null });
    expect([again.created, again.round.id]).toEqual([false, first.round.id]);
    expect(runs).toHaveLength(1);
    await expect(service.open({ clientRoundId: 'w-1', inputs: { a: 2 }, inputsFile: null })).rejects.toThrow(TournamentConflictError);
  });

  it('opens again a round left open long past its call deadline (the process stopped mid-round)', async () => {
    await rounds.open({ id: 'stale', competitionId: 'cup', clientRoundId: 'w-9', inputs: {}, inputsSha256: 'x', inputsFile: null });
    rounds.rows.get('stale')!.openedAt = new Date(Date.now() - 3_600_000);
    const { round, created } = await service.open({ clientRoundId: 'w-9', inputs: {}, inputsFile: null });
    expect([created, round.status]).toEqual([true, 'predicted']);
    expect(rounds.rows.has('stale')).toBe(false);
  });

  it('gives every round its own origin, even when opened within one millisecond', async () => {
    await Promise.all([1, 2, 3].map((n) => service.open({ clientRoundId: `w-${n}`, inputs: { n }, inputsFile: null })));
    const origins = runs.map((r) => r.performedAt.getTime());
    expect(new Set(origins).size).toBe(3);
  });

  it('scores a round once its truth is posted; the same truth again is a no-op, another a conflict', async () => {
    const { round } = await service.open({ clientRoundId: 'w-1', inputs: {}, inputsFile: null });
    const scored = await service.postTruth(round.id, [1, 2]);
    expect(scored.status).toBe('scored');
    const cyclesAfterFirst = cycles;
    expect(await service.postTruth(round.id, [1, 2])).toMatchObject({ id: round.id, status: 'scored' });
    expect(cycles).toBe(cyclesAfterFirst);
    await expect(service.postTruth(round.id, [2, 1])).rejects.toThrow(TournamentConflictError);
    await expect(service.postTruth('no-such-round', [1])).rejects.toThrow(TournamentRoundNotFoundError);
  });

  it('refuses a truth for a round void for want of one', async () => {
    const { round } = await service.open({ clientRoundId: 'w-1', inputs: {}, inputsFile: null });
    rounds.rows.get(round.id)!.scored = 2; // the cycle gave up waiting (scoring.maxWaitSeconds)
    await expect(service.postTruth(round.id, [1, 2])).rejects.toThrow(/is void/);
  });

  it('stores the truth without scoring on an instance without the score role', async () => {
    services.delete(ScoreCycleService);
    const { round } = await service.open({ clientRoundId: 'w-1', inputs: {}, inputsFile: null });
    expect(await service.postTruth(round.id, [1, 2])).toMatchObject({ status: 'predicted', truth: [1, 2] });
  });

  it('cannot open a round without the predict role, and leaves nothing behind', async () => {
    services.delete(PredictionRoundService);
    await expect(service.open({ clientRoundId: 'w-1', inputs: {}, inputsFile: null })).rejects.toThrow(TournamentUnavailableError);
    expect(rounds.rows.size).toBe(0);
  });

  it('discards the round when its predictions could not be stored, so the same POST can open it again', async () => {
    services.set(PredictionRoundService, { run: async () => null });
    await expect(service.open({ clientRoundId: 'w-1', inputs: {}, inputsFile: null })).rejects.toThrow(/could not be stored/);
    expect(rounds.rows.size).toBe(0);
  });
});
