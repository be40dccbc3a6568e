import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { CompetitionModule } from '../../src/competition/competition.module';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { ModelRegistryRepository } from '../../src/predict/registry/model-registry.repository';
import type { ModelStanding } from '../../src/score/model-standing';
import type { GroundTruthSource } from '../../src/score/ground-truth.source';
import { ScoreSnapshotRepository } from '../../src/score/score-snapshot.repository';
import { fleetModel } from '../predict/support/fake-fleet';
import { Global, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { ClockModule } from '../../src/clock/clock.module';
import { COMPETITION } from '../../src/config/competition/competition.tokens';
import { LeaderboardService } from '../../src/leaderboard/leaderboard.service';
import { CheckpointRepository } from '../../src/rewards/checkpoints/checkpoint.repository';
import { CheckpointService } from '../../src/rewards/checkpoints/checkpoint.service';
import { CheckpointStatusService } from '../../src/rewards/checkpoints/checkpoint-status.service';
import { CheckpointsModule } from '../../src/rewards/checkpoints/checkpoints.module';
import { GROUND_TRUTH } from '../../src/score/ground-truth.source';
import { describeEachEngine } from '../support/test-database';
import { AdminTestApp, demoCompetition, startAdminApp } from './support/admin-test-app';

const DAY = 86_400_000;
const T = Date.UTC(2026, 0, 5); // a period end: periods are whole days from the epoch
const competition: CompetitionDefinition = { ...demoCompetition(), rewards: { every: 86_400, delay: 0, pool: null, function: 'tiers', options: {}, decimals: 6 } };
const noTruth: GroundTruthSource = { groundTruth: async () => ({ ok: false, reason: 'not used here', retryable: true }) };

function standing(modelId: string, anchor: number): ModelStanding {
  const w = { value: anchor, count: 5, failed: 0, complete: true };
  return {
    modelId,
    windows: { recent: { ...w, params: 1 }, steady: { ...w, params: 1 }, anchor: { ...w, params: 1 } },
    params: [{ param: 'BTC-120-30', asset: 'BTC', horizon: 120, step: 30, windows: { recent: w, steady: w, anchor: w } }],
  };
}

/** The score role's checkpoints (the checkpoint service and the leaderboard it freezes), jobs not armed: the test takes each checkpoint. */
async function startScoreRole(dataSource: DataSource, clock: VirtualClock) {
  @Global()
  @Module({
    providers: [
      { provide: DataSource, useValue: dataSource },
      { provide: COMPETITION, useValue: competition },
      { provide: GROUND_TRUTH, useValue: noTruth },
    ],
    exports: [DataSource, COMPETITION, GROUND_TRUTH],
  })
  class ScoreRoleModule {}
  const module: TestingModule = await Test.createTestingModule({ imports: [ScoreRoleModule, ClockModule.forRoot(clock), CheckpointsModule] }).compile();
  await module.init();
  return {
    checkpoints: module.get(CheckpointService),
    status: module.get(CheckpointStatusService),
    repository: module.get(CheckpointRepository),
    leaderboard: module.get(LeaderboardService),
    close: () => module.close(),
  };
}

describeEachEngine('admin checkpoint actions', (db) => {
  let ds: DataSource;
  let clock: VirtualClock;
  let cp: Awaited<ReturnType<typeof startScoreRole>>;
  let t: AdminTestApp;
  let first: string;

  /** The leaderboard of now, as a scoring cycle leaves it (snapshot + leaderboard of the same instant). */
  const scoreCycle = async (standings: ModelStanding[]) => {
    await new ScoreSnapshotRepository(ds).insert(standings, clock.nowMs());
    await cp.leaderboard.refresh(standings, clock.now(), 'higher');
  };
  const paidModels = async (id: string) => (await cp.repository.payouts(id)).map((p) => p.modelId);
  const keyId = async () => (await t.get('/admin/actions?limit=1')).body[0].key_id as string;

  beforeAll(async () => {
    ds = db().dataSource;
    clock = new VirtualClock(T - 3_600_000);
    t = await startAdminApp(ds, competition, clock, { imports: [CompetitionModule] }); // CompetitionModule: the competition row the models belong to
    cp = await startScoreRole(ds, clock);
    const registry = new ModelRegistryRepository(ds);
    for (const id of ['m1', 'm2', 'm3', 'm4']) await registry.recordRunning(competition.id, fleetModel(id), clock.now());
    await scoreCycle([standing('m1', 0.9), standing('m2', 0.7), standing('m3', 0.5), standing('m4', 0.3)]);
    await clock.advanceTo(T);
    first = (await cp.checkpoints.takeCheckpoint(T)).checkpoint.id;
  }, 120_000);

  afterAll(async () => {
    await cp?.close();
    await t?.close();
  });

  it('answers 400 naming the field for a bad pool, status or id, and 404 for an unknown checkpoint', async () => {
    for (const pool of [-1, 'abc', null]) {
      const res = await t.send('PUT', `/admin/checkpoints/${first}/pool`, { pool });
      expect([res.status, res.body.fields]).toEqual([400, ['pool']]);
    }
    expect((await t.send('POST', `/admin/checkpoints/${first}/status`, { to: 'DONE' })).body.fields).toEqual(['to']);
    expect((await t.send('POST', `/admin/checkpoints/${first}/status`, { to: 'PAID', note: 7 })).body.fields).toEqual(['note']);
    expect((await t.send('PUT', '/admin/checkpoints/not-a-uuid/pool', { pool: 1 })).body.fields).toEqual(['id']);
    const missing = await t.send('PUT', `/admin/checkpoints/${randomUUID()}/pool`, { pool: 1 });
    expect(missing.status).toBe(404);
  });

  it("sets a PENDING checkpoint's pool: its payouts are computed and stored, and the change is a recorded move", async () => {
    expect(await paidModels(first)).toEqual([]); // no pool in the file: no payouts yet
    await clock.advance(60_000);
    const res = await t.send('PUT', `/admin/checkpoints/${first}/pool`, { pool: 100 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: first, status: 'PENDING', pool: 100 });
    expect(await paidModels(first)).toEqual(['m1', 'm2', 'm3', 'm4']);
    const stored = await cp.status.get(first);
    expect(stored.pool).toBe(100);
    expect(stored.distributedUnits).toBe(65_000_000n); // tiers: 35 + 10 + 10 + 10 of 100, 6 decimals
    const moves = await cp.repository.moves(first);
    expect(moves.at(-1)).toEqual({ from: 'PENDING', to: 'PENDING', actor: await keyId(), at: clock.now(), note: 'pool set to 100' });
  });

  it('moves the status along the flow, recording who and when; an illegal move or a late pool answers 409 naming the current status', async () => {
    await clock.advance(60_000);
    const submitted = await t.send('POST', `/admin/checkpoints/${first}/status`, { to: 'SUBMITTED', note: 'sent to the payer' });
    expect([submitted.status, submitted.body.status]).toEqual([200, 'SUBMITTED']);
    const actor = await keyId();

    const latePool = await t.send('PUT', `/admin/checkpoints/${first}/pool`, { pool: 200 });
    expect(latePool.status).toBe(409);
    expect(latePool.body).toMatchObject({ current_status: 'SUBMITTED' });
    expect(latePool.body.message).toContain(`checkpoint ${first} is SUBMITTED`);
    expect((await cp.status.get(first)).pool).toBe(100);

    const skip = await t.send('POST', `/admin/checkpoints/${first}/status`, { to: 'PAID' });
    expect(skip.status).toBe(409);
    expect(skip.body).toMatchObject({ current_status: 'SUBMITTED', message: `checkpoint ${first} is SUBMITTED: cannot move to PAID` });

    await clock.advance(60_000);
    expect((await t.send('POST', `/admin/checkpoints/${first}/status`, { to: 'CLAIMABLE' })).status).toBe(200);
    await clock.advance(60_000);
    expect((await t.send('POST', `/admin/checkpoints/${first}/status`, { to: 'PAID' })).body.status).toBe('PAID');
    const final = await t.send('POST', `/admin/checkpoints/${first}/status`, { to: 'FAILED' });
    expect([final.status, final.body.current_status]).toEqual([409, 'PAID']);

    const moves = (await cp.repository.moves(first)).map((m) => [m.from, m.to, m.actor, m.at.getTime() - T, m.note]);
    expect(moves).toEqual([
      [null, 'PENDING', 'scheduler', 0, null],
      ['PENDING', 'PENDING', actor, 60_000, 'pool set to 100'],
      ['PENDING', 'SUBMITTED', actor, 120_000, 'sent to the payer'],
      ['SUBMITTED', 'CLAIMABLE', actor, 180_000, null],
      ['CLAIMABLE', 'PAID', actor, 240_000, null],
    ]);
  });

  it('never pays an excluded model: not in a checkpoint taken after the exclusion, and withdrawn from a PENDING one', async () => {
    // The next period: the latest leaderboard still ranks every model when m2 is excluded.
    await clock.advanceTo(T + DAY - 3_600_000);
    await scoreCycle([standing('m1', 0.9), standing('m2', 0.7), standing('m3', 0.5), standing('m4', 0.3)]);
    const excluded = await t.send('POST', '/admin/models/m2/exclude', { reason: 'copies m1' });
    expect(excluded.body.recomputed_checkpoints).toEqual([]); // the only checkpoint is already PAID: never changed
    expect(await paidModels(first)).toEqual(['m1', 'm2', 'm3', 'm4']);
    await clock.advanceTo(T + DAY);
    const second = (await cp.checkpoints.takeCheckpoint(T + DAY)).checkpoint.id;
    await t.send('PUT', `/admin/checkpoints/${second}/pool`, { pool: 100 });
    expect(await paidModels(second)).toEqual(['m1', 'm3', 'm4']);
    expect((await cp.status.get(second)).warnings).toContain('model m2 is excluded by an operator: no payout');

    // A cheater found while a checkpoint is still PENDING with its payouts computed.
    const res = await t.send('POST', '/admin/models/m3/exclude', { reason: 'shares an account with m1' });
    expect(res.status).toBe(200);
    expect(res.body.recomputed_checkpoints).toEqual([second]);
    expect(await paidModels(second)).toEqual(['m1', 'm4']);
    const payouts = await cp.repository.payouts(second);
    expect(payouts.map((p) => [p.modelId, p.rank])).toEqual([['m1', 1], ['m4', 2]]);
    expect((await cp.repository.moves(second)).at(-1)).toMatchObject({ from: 'PENDING', to: 'PENDING', note: 'payouts recomputed without the excluded models' });
  });

  it('records every checkpoint action, refused ones with their 409, in the audit trail', async () => {
    const res = await t.get('/admin/actions?limit=100&action=checkpoint.move');
    const moves = (res.body as any[]).reverse().map((a) => [a.parameters.to, a.outcome, a.result?.error?.status ?? a.result?.status]);
    expect(moves).toEqual([
      ['SUBMITTED', 'succeeded', 'SUBMITTED'],
      ['PAID', 'failed', 409],
      ['CLAIMABLE', 'succeeded', 'CLAIMABLE'],
      ['PAID', 'succeeded', 'PAID'],
      ['FAILED', 'failed', 409],
    ]);
    const pools = (await t.get('/admin/actions?limit=100&action=checkpoint.pool')).body as any[];
    expect(pools.map((a) => [a.target === null, a.outcome]).length).toBeGreaterThanOrEqual(3);
  });
});
