import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Response } from 'express';
import { VirtualClock } from '../../src/clock/clock';
import { JobScheduler } from '../../src/clock/job-scheduler';
import { loadAppConfig } from '../../src/config/app-config';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { CompetitionRepository } from '../../src/competition/competition.repository';
import { CompetitionSyncService } from '../../src/competition/competition-sync.service';
import { PredictionConfig } from '../../src/competition/prediction-config';
import { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import { HealthController, HealthResponse } from '../../src/health/health.controller';
import { HealthRegistry } from '../../src/health/health.registry';
import { PipelineHealthChecks } from '../../src/health/pipeline-health-checks';
import { SKIPPED_RUNS_DEGRADED } from '../../src/health/skipped-jobs.check';
import { LeaderboardRepository } from '../../src/leaderboard/leaderboard.repository';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { ROUND_JOB, TICK_JOB } from '../../src/predict/schedule/predict-scheduler.service';
import { describeEachEngine } from '../support/test-database';
import { storeScores } from '../../bench/stored-scores';

const competition = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml')); // maxWaitSeconds 120, intervalSeconds 15
const { maxWaitSeconds, intervalSeconds } = competition.scoring;
const SECOND = 1000;

function fakeResponse(): Response & { statusCode: number } {
  const res = { statusCode: 200, status(code: number) { res.statusCode = code; return res; }, setHeader() { return res; } };
  return res as unknown as Response & { statusCode: number };
}

interface Probe {
  clock: VirtualClock;
  scheduler: JobScheduler;
  health(): Promise<{ body: HealthResponse; statusCode: number }>;
}

/** The app's /healthz (controller, registry, the pipeline checks of `roles`) on a virtual clock and the real repositories. */
function probe(db: PredictionRoundRepository, leaderboards: LeaderboardRepository, startMs: number, roles: string): Probe {
  const clock = new VirtualClock(startMs);
  const scheduler = new JobScheduler(clock);
  const registry = new HealthRegistry();
  registry.register('database', () => ({ status: 'up' }));
  new PipelineHealthChecks(registry, clock, scheduler, db, leaderboards, competition, loadAppConfig({ ROLES: roles })).onModuleInit();
  const controller = new HealthController(registry);
  return {
    clock,
    scheduler,
    async health() {
      const res = fakeResponse();
      const body = await controller.health(res);
      return { body, statusCode: res.statusCode };
    },
  };
}

describeEachEngine('/healthz pipeline rules', (db) => {
  let predictions: PredictionRoundRepository;
  let leaderboards: LeaderboardRepository;
  let btc: PredictionConfig;
  let startMs = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    const ds = db().dataSource;
    const configs = new PredictionConfigRepository(ds);
    await new CompetitionSyncService(ds, competition, new CompetitionRepository(), configs).synced();
    btc = (await configs.active(competition.id)).find((c) => c.asset === 'BTC' && c.horizon === 120)!;
    predictions = new PredictionRoundRepository(ds);
    leaderboards = new LeaderboardRepository(ds);
  });

  beforeEach(async () => {
    await db().dataSource.query(`TRUNCATE predictions, prediction_rounds, leaderboards CASCADE`);
    startMs += 86_400_000; // each scenario on its own day
  });

  /** One round of `btc` performed at `atMs` with one prediction per model; returns the prediction ids. */
  async function storeRound(atMs: number, models: string[]): Promise<string[]> {
    const round = { id: randomUUID(), competitionId: competition.id, configId: btc.id, scheduledAt: new Date(atMs), performedAt: new Date(atMs), resolvableAt: new Date(atMs + btc.horizon * SECOND) };
    await predictions.claim(round);
    const rows = models.map((modelId) => ({ id: randomUUID(), modelId, status: 'ABSENT' as const, execTimeUs: null, payloadJson: null, failureReason: 'not connected' }));
    await predictions.insertPredictions(round, btc, rows);
    return rows.map((r) => r.id);
  }

  describe('scoring behind', () => {
    it(`is degraded, naming the overdue predictions, once they stay unscored ${maxWaitSeconds} s + one interval past resolvable_at`, async () => {
      const p = probe(predictions, leaderboards, startMs, 'score');
      await storeRound(startMs, ['a', 'b']);
      const resolvableAt = startMs + btc.horizon * SECOND;
      await p.clock.advanceTo(resolvableAt + (maxWaitSeconds + intervalSeconds - 1) * SECOND);
      expect((await p.health()).body.checks.scoring).toMatchObject({ status: 'up' }); // a second before the limit: still in time

      await p.clock.advance(SECOND);
      const { body, statusCode } = await p.health();
      expect(statusCode).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.checks.scoring).toMatchObject({ status: 'degraded', overdueUnscored: 2, oldestResolvableAt: new Date(resolvableAt).toISOString() });
      expect(body.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^scoring: scoring is behind: 2 prediction\(s\) resolvable since .* are still unscored/)]));
    });

    it('is up again once the overdue predictions are scored', async () => {
      const p = probe(predictions, leaderboards, startMs, 'score');
      const ids = await storeRound(startMs, ['a']);
      await p.clock.advance((btc.horizon + maxWaitSeconds + 2 * intervalSeconds) * SECOND);
      expect((await p.health()).body.checks.scoring.status).toBe('degraded');
      await storeScores(
        db().dataSource,
        `SELECT id, performed_at, 0::float8 AS score_value, false AS score_success, 'void'::text AS score_failed_reason, $2::timestamptz AS scored_at
           FROM predictions WHERE id = ANY($1::uuid[])`,
        [ids, new Date(p.clock.nowMs())],
      );
      const { body } = await p.health();
      expect(body.checks.scoring).toEqual({ status: 'up', overdueUnscored: 0 });
      expect(body.reasons ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^scoring:/)]));
    });

    it('ignores predictions not yet due, however many', async () => {
      const p = probe(predictions, leaderboards, startMs, 'score');
      await storeRound(startMs + 3_600_000, ['a', 'b', 'c']);
      await p.clock.advance(3_600_000);
      expect((await p.health()).body.checks.scoring).toMatchObject({ status: 'up' });
    });
  });

  describe(`predict jobs skipping (${SKIPPED_RUNS_DEGRADED} runs in a row)`, () => {
    it('is degraded while the tick skipped its last runs, and up once a run starts again', async () => {
      const p = probe(predictions, leaderboards, startMs, 'predict');
      let runs = 0;
      // The first tick takes 45 s of clock time: slots +20, +30, +40 and +50 find it still going.
      p.scheduler.register({ name: TICK_JOB, everyMs: 10 * SECOND, run: () => (++runs === 1 ? p.clock.sleep(45 * SECOND) : Promise.resolve()) });
      p.scheduler.register({ name: `${ROUND_JOB}:BTC-120-30`, everyMs: 10 * SECOND, run: async () => undefined });

      await p.clock.advance(30 * SECOND); // started at +10, skipped at +20 and +30
      expect((await p.health()).body.checks.schedules).toMatchObject({ status: 'up' });
      await p.clock.advance(10 * SECOND); // a third skip at +40
      const { body, statusCode } = await p.health();
      expect(statusCode).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.checks.schedules).toMatchObject({ status: 'degraded', skippedInARow: { [TICK_JOB]: 3 } });
      expect(body.reasons).toEqual([`schedules: ${TICK_JOB} skipped its last 3 runs (the previous run was still going)`]);

      await p.clock.advance(20 * SECOND); // the run ends at +55, the slot at +60 runs
      expect(runs).toBe(2);
      expect((await p.health()).body.checks.schedules).toMatchObject({ status: 'up' });
      await p.scheduler.stop(100);
    });

    it('names a round job that keeps skipping, not the other jobs of the instance', async () => {
      const p = probe(predictions, leaderboards, startMs, 'predict');
      const slow = () => p.clock.sleep(3_600 * SECOND);
      p.scheduler.register({ name: `${ROUND_JOB}:ETH-120-30`, everyMs: 10 * SECOND, run: slow });
      p.scheduler.register({ name: 'score-retention', everyMs: 10 * SECOND, run: slow });
      await p.clock.advance(50 * SECOND);
      const { body } = await p.health();
      expect(body.checks.schedules.skippedInARow).toEqual({ [`${ROUND_JOB}:ETH-120-30`]: 4 });
      await p.scheduler.stop(10);
    });
  });

  describe('leaderboard too old (three scoring intervals)', () => {
    it('is degraded when the newest leaderboard is older than three intervals', async () => {
      const p = probe(predictions, leaderboards, startMs, 'score');
      await leaderboards.insert(competition.id, { id: randomUUID(), createdAt: new Date(startMs), entries: [] });
      await p.clock.advance(3 * intervalSeconds * SECOND);
      expect((await p.health()).body.checks.leaderboard).toMatchObject({ status: 'up', ageSeconds: 3 * intervalSeconds });
      await p.clock.advance(SECOND);
      const { body } = await p.health();
      expect(body.status).toBe('degraded');
      expect(body.checks.leaderboard).toMatchObject({ status: 'degraded', newestCreatedAt: new Date(startMs).toISOString(), ageSeconds: 3 * intervalSeconds + 1 });
      expect(body.reasons).toEqual([`leaderboard: the newest leaderboard is ${3 * intervalSeconds + 1} s old (more than 3 scoring intervals of ${intervalSeconds} s)`]);

      await leaderboards.insert(competition.id, { id: randomUUID(), createdAt: p.clock.now(), entries: [] });
      expect((await p.health()).body).toMatchObject({ status: 'ok', checks: { leaderboard: { status: 'up', ageSeconds: 0 } } });
    });

    it('counts from the start when no leaderboard was ever stored', async () => {
      const p = probe(predictions, leaderboards, startMs, 'report');
      await p.clock.advance(3 * intervalSeconds * SECOND + SECOND);
      expect((await p.health()).body.checks.leaderboard).toMatchObject({ status: 'degraded', newestCreatedAt: null, reason: expect.stringMatching(/^no leaderboard stored in the 46 s since start/) });
    });
  });

  it('registers each rule only where its stage runs', async () => {
    const checksOf = async (roles: string) => Object.keys((await probe(predictions, leaderboards, startMs, roles).health()).body.checks).sort();
    expect(await checksOf('predict')).toEqual(['database', 'schedules']);
    expect(await checksOf('score')).toEqual(['database', 'leaderboard', 'scoring']);
    expect(await checksOf('report')).toEqual(['database', 'leaderboard']);
  });
});
