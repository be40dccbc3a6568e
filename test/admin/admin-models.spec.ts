import type { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import type { PredictionConfig } from '../../src/competition/prediction-config';
import { LeaderboardRepository } from '../../src/leaderboard/leaderboard.repository';
import { LeaderboardService } from '../../src/leaderboard/leaderboard.service';
import { LeaderboardResponseCache } from '../../src/report/leaderboard/leaderboard-response-cache';
import { PredictModule } from '../../src/predict/predict.module';
import { ModelRegistryRepository } from '../../src/predict/registry/model-registry.repository';
import { ModelRegistryService } from '../../src/predict/registry/model-registry.service';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { PredictionRoundService } from '../../src/predict/round/prediction-round.service';
import { TickLoopService } from '../../src/predict/tick/tick-loop.service';
import type { ModelStanding } from '../../src/score/model-standing';
import type { ScoreCycleService } from '../../src/score/score-cycle.service';
import { densityModel, FakeFleet, FakeMarket, fleetModel } from '../predict/support/fake-fleet';
import { describeEachEngine } from '../support/test-database';
import { AdminTestApp, demoCompetition, startAdminApp } from './support/admin-test-app';

const T0 = Date.UTC(2026, 0, 1, 12);
const competition = demoCompetition();

/** A fleet whose LOW_PERFORMANCE reports are recorded; like the orchestrator, the test decides when the model stops. */
class ReportingFleet extends FakeFleet {
  readonly reports: Array<{ modelId: string; reason: string }> = [];
  reportLowPerformance(modelId: string, reason: string): void {
    this.reports.push({ modelId, reason });
  }
}

function standing(modelId: string, anchor: number): ModelStanding {
  const w = { value: anchor, count: 5, failed: 0, complete: true };
  return {
    modelId,
    windows: { recent: { ...w, params: 1 }, steady: { ...w, params: 1 }, anchor: { ...w, params: 1 } },
    params: [{ param: 'BTC-120-30', asset: 'BTC', horizon: 120, step: 30, windows: { recent: w, steady: w, anchor: w } }],
  };
}

describeEachEngine('admin model actions', (db) => {
  let t: AdminTestApp;
  let ds: DataSource;
  let clock: VirtualClock;
  let btc: PredictionConfig;
  let leaderboards: LeaderboardService;
  const fleet = new ReportingFleet();
  const market = new FakeMarket();
  let nextPointMs = T0 - 60_000;

  /** One more market point, so every model is due a tick. */
  const addPoint = () => {
    market.add('BTC', nextPointMs, 60_000 + (nextPointMs % 7));
    nextPointMs += 5_000;
  };
  const round = async () => {
    await clock.advance(40_000);
    const report = await t.app.get(PredictionRoundService).run(btc, clock.now());
    const rows: Array<{ model_id: string; status: string }> = await ds.query(`SELECT model_id, status FROM predictions WHERE round_id = $1 ORDER BY model_id`, [report!.roundId]);
    return rows.map((r) => [r.model_id, r.status]);
  };
  const tick = async () => {
    addPoint();
    await t.app.get(TickLoopService).tick(clock.now());
    return fleet.calls.filter((c) => c.method === 'tick').at(-1)!.modelIds;
  };
  const lastPredictCall = () => fleet.calls.filter((c) => c.method === 'predict').at(-1)!.modelIds;
  const seedBoard = async () => {
    await t.app.get(ModelRegistryService).idle();
    await clock.advance(1_000);
    await leaderboards.refresh([standing('m1', 0.9), standing('m2', 0.5), standing('m3', 0.1)], clock.now(), 'higher');
    t.app.get(LeaderboardResponseCache).invalidate(); // what LEADERBOARD_EVENTS does in the app
  };

  beforeAll(async () => {
    ds = db().dataSource;
    clock = new VirtualClock(T0);
    for (let i = 0; i < 10; i++) addPoint();
    for (const id of ['m1', 'm2', 'm3']) fleet.join(fleetModel(id), densityModel(), { silent: true });
    t = await startAdminApp(ds, competition, clock, { imports: [PredictModule.register({ modelCaller: fleet, marketData: market })] });
    await t.app.get(ModelRegistryService).idle();
    btc = (await t.app.get(PredictionConfigRepository).active(competition.id)).find((c) => c.asset === 'BTC' && c.horizon === 120)!;
    leaderboards = new LeaderboardService(competition, new LeaderboardRepository(ds), {} as ScoreCycleService, new ModelRegistryRepository(ds), new PredictionRoundRepository(ds));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('answers 400 naming the field for a missing reason, an unknown field or a bad id, and 404 for an unknown model', async () => {
    const missing = await t.send('POST', '/admin/models/m1/disable', {});
    expect(missing.status).toBe(400);
    expect(missing.body.fields).toEqual(['reason']);
    const unknown = await t.send('POST', '/admin/models/m1/exclude', { reason: 'x', severity: 'high' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual(['severity']);
    const blank = await t.send('POST', '/admin/models/m1/disable', { reason: '   ' });
    expect(blank.body.fields).toEqual(['reason']);
    const nobody = await t.send('POST', '/admin/models/nobody/disable', { reason: 'x' });
    expect(nobody.status).toBe(404);
    expect(nobody.body.message).toContain('no model nobody');
  });

  it('a disabled model gets no tick and no predict call from the next round on, no prediction row, and is reported LOW_PERFORMANCE once', async () => {
    expect((await tick()).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(await round()).toEqual([['m1', 'SUCCESS'], ['m2', 'SUCCESS'], ['m3', 'SUCCESS']]);

    const res = await t.send('POST', '/admin/models/m3/disable', { reason: 'sends the same forecast every round' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model_id: 'm3', state: 'RUNNING', disabled: { reason: 'sends the same forecast every round', at: new Date(T0 + 40_000).toISOString() }, excluded: null });

    // Still running at the orchestrator (it has not acted on the report yet): the flag alone keeps it uncalled.
    expect((await tick()).sort()).toEqual(['m1', 'm2']);
    expect(await round()).toEqual([['m1', 'SUCCESS'], ['m2', 'SUCCESS']]);
    expect(lastPredictCall().sort()).toEqual(['m1', 'm2']);
    expect(fleet.reports).toEqual([{ modelId: 'm3', reason: 'disabled by an operator: sends the same forecast every round' }]);
  });

  it('enabling brings the model back on its next membership event, with its history tick first', async () => {
    fleet.leave('m3', 'orchestrator: LOW_PERFORMANCE'); // what the orchestrator does with the report: STOPPED
    await t.app.get(ModelRegistryService).idle();
    const res = await t.send('POST', '/admin/models/m3/enable');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model_id: 'm3', state: 'STOPPED', disabled: null });

    // Enabled but stopped: nothing to call until the orchestrator says it runs again.
    expect((await tick()).sort()).toEqual(['m1', 'm2']);
    expect(await round()).toEqual([['m1', 'SUCCESS'], ['m2', 'SUCCESS']]);

    fleet.join(fleetModel('m3', 2), densityModel()); // the next RUNNING event (a redeploy)
    await t.app.get(ModelRegistryService).idle();
    await tick();
    const historyTick = fleet.calls.filter((c) => c.method === 'tick').at(-1)!;
    expect(historyTick.modelIds).toContain('m3');
    expect(historyTick.args.get('m3')).not.toBe(historyTick.args.get('m1')); // m3 got the history window, m1 only the new point
    expect(await round()).toEqual([['m1', 'SUCCESS'], ['m2', 'SUCCESS'], ['m3', 'SUCCESS']]);
    expect(fleet.reports).toHaveLength(1);
  });

  it('shows a disabled model as disabled on the leaderboard routes, still ranked on the scores it has', async () => {
    await t.send('POST', '/admin/models/m2/disable', { reason: 'under review' });
    await seedBoard();
    const seed = await t.get('/reports/leaderboard');
    expect(seed.status).toBe(200);
    expect(seed.body.map((r: any) => [r.model_id, r.rank, r.status])).toEqual([['m1', 1, 'active'], ['m2', 2, 'disabled'], ['m3', 3, 'active']]);
    const view = await t.get('/reports/leaderboard/view');
    expect(view.body.entries.map((r: any) => [r.model_id, r.status])).toEqual([['m1', 'active'], ['m2', 'disabled'], ['m3', 'active']]);
    await t.send('POST', '/admin/models/m2/enable');
  });

  it('an excluded model gets no rank on the next leaderboard, keeps its predictions, and is ranked again once included', async () => {
    const before: Array<{ n: string }> = await ds.query(`SELECT count(*)::text AS n FROM predictions WHERE model_id = 'm1'`);
    const res = await t.send('POST', '/admin/models/m1/exclude', { reason: 'copies m2' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model_id: 'm1', excluded: { reason: 'copies m2' }, disabled: null, recomputed_checkpoints: [] });

    await seedBoard();
    const seed = await t.get('/reports/leaderboard');
    expect(seed.body.map((r: any) => [r.model_id, r.rank])).toEqual([['m2', 1], ['m3', 2]]);
    const view = await t.get('/reports/leaderboard/view');
    expect(view.body.entries.map((r: any) => [r.model_id, r.rank, r.status])).toEqual([['m2', 1, 'active'], ['m3', 2, 'active'], ['m1', null, 'excluded']]);
    const after: Array<{ n: string }> = await ds.query(`SELECT count(*)::text AS n FROM predictions WHERE model_id = 'm1'`);
    expect(after[0].n).toBe(before[0].n);
    expect(Number(after[0].n)).toBeGreaterThan(0);
    // Exclusion is about ranking, not calls: it is still asked.
    expect(await round()).toEqual([['m1', 'SUCCESS'], ['m2', 'SUCCESS'], ['m3', 'SUCCESS']]);

    expect((await t.send('POST', '/admin/models/m1/include')).body).toMatchObject({ excluded: null });
    await seedBoard();
    expect((await t.get('/reports/leaderboard')).body.map((r: any) => [r.model_id, r.rank])).toEqual([['m1', 1], ['m2', 2], ['m3', 3]]);
  });

  it('records every model action, refused ones too, in the audit trail', async () => {
    const res = await t.get('/admin/actions?limit=100');
    expect(res.status).toBe(200);
    const actions = (res.body as any[]).reverse().map((a) => [a.action, a.target, a.outcome]);
    expect(actions).toEqual([
      ['model.disable', 'nobody', 'failed'],
      ['model.disable', 'm3', 'succeeded'],
      ['model.enable', 'm3', 'succeeded'],
      ['model.disable', 'm2', 'succeeded'],
      ['model.enable', 'm2', 'succeeded'],
      ['model.exclude', 'm1', 'succeeded'],
      ['model.include', 'm1', 'succeeded'],
    ]);
    const disable = (res.body as any[]).find((a) => a.action === 'model.disable' && a.target === 'm3');
    expect(disable.parameters).toEqual({ reason: 'sends the same forecast every round' });
    expect(typeof disable.key_id).toBe('string');
  });
});
