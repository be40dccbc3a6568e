import { LocalOrchestrator } from '../../src/local-orchestrator/local-orchestrator';
import { SILENT_LOGGER } from '../../src/local-orchestrator/orchestrator-logger';
import { ModelRunnerService } from '../../src/model-runner/model-runner.service';
import { VirtualClock } from '../../src/clock/clock';
import { PredictModule } from '../../src/predict/predict.module';
import { ModelRegistryService } from '../../src/predict/registry/model-registry.service';
import { TickLoopService } from '../../src/predict/tick/tick-loop.service';
import { modelDir, writeModelsConfig } from '../local-orchestrator/support/models-config-fixture';
import { FakeMarket } from '../predict/support/fake-fleet';
import { describeEachEngine } from '../support/test-database';
import { AdminTestApp, demoCompetition, startAdminApp } from './support/admin-test-app';

const T0 = Date.UTC(2026, 0, 1, 12);
const competition = demoCompetition();

async function until(condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Disabling over the real wire: the model runner reports LOW_PERFORMANCE, the orchestrator stops the model, the registry records it. */
describeEachEngine('disabling a model reports it to the orchestrator', (db) => {
  let orchestrator: LocalOrchestrator;
  let runner: ModelRunnerService;
  let t: AdminTestApp;
  const market = new FakeMarket();

  beforeAll(async () => {
    for (let i = 0; i < 10; i++) market.add('BTC', T0 - (10 - i) * 5_000, 60_000 + i);
    orchestrator = new LocalOrchestrator();
    const wsPort = await orchestrator.start({
      crunchId: competition.id,
      wsPort: 0,
      rescanIntervalMs: 0,
      logger: SILENT_LOGGER,
      baseClassName: competition.model.baseClass,
      modelsConfigPath: writeModelsConfig([
        { id: 'keeps', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline' },
        { id: 'cheats', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline' },
      ]),
    });
    runner = new ModelRunnerService({ host: '127.0.0.1', port: wsPort, crunchId: competition.id, baseClassName: competition.model.baseClass, setupBackoffMs: 50 });
    t = await startAdminApp(db().dataSource, competition, new VirtualClock(T0), { imports: [PredictModule.register({ modelCaller: runner, marketData: market })] });
    await runner.start();
    await until(() => runner.runningModels().length === 2);
    await t.app.get(ModelRegistryService).idle();
  }, 90_000);

  afterAll(async () => {
    await t?.close();
    await runner?.stop();
    await orchestrator?.stop();
  }, 30_000);

  it('stops the model at the orchestrator with LOW_PERFORMANCE and the operator reason, and it gets no more calls', async () => {
    expect((await t.app.get(TickLoopService).tick()).success).toBe(2);
    const res = await t.send('POST', '/admin/models/cheats/disable', { reason: 'copies keeps' });
    expect(res.status).toBe(200);

    market.add('BTC', T0, 60_100);
    const report = await t.app.get(TickLoopService).tick();
    expect(report).toMatchObject({ success: 1, sentUpdate: 1, sentHistory: 0 }); // only `keeps` was ticked
    await until(() => orchestrator.notRunning().some((m) => m.modelId === 'cheats'));
    expect(orchestrator.notRunning().find((m) => m.modelId === 'cheats')!.reason).toBe('reported LOW_PERFORMANCE: disabled by an operator: copies keeps');
    expect(runner.runningModels().map((m) => m.modelId)).toEqual(['keeps']);
    await t.app.get(ModelRegistryService).idle();
    const rows: Array<{ id: string; state: string }> = await db().dataSource.query(`SELECT id, state FROM models ORDER BY id`);
    expect(rows).toEqual([{ id: 'cheats', state: 'STOPPED' }, { id: 'keeps', state: 'RUNNING' }]);
  }, 60_000);
});
