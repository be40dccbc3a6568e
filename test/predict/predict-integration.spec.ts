import * as path from 'node:path';
import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { loadAppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import { LocalOrchestrator } from '../../src/local-orchestrator/local-orchestrator';
import { SILENT_LOGGER } from '../../src/local-orchestrator/orchestrator-logger';
import { ModelRunnerService } from '../../src/model-runner/model-runner.service';
import { PredictModule } from '../../src/predict/predict.module';
import { ModelRegistryService } from '../../src/predict/registry/model-registry.service';
import { PredictionRoundService } from '../../src/predict/round/prediction-round.service';
import { TickLoopService } from '../../src/predict/tick/tick-loop.service';
import { modelDir, writeModelsConfig } from '../local-orchestrator/support/models-config-fixture';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { payloadText } from '../../src/predict/round/density-payload-codec';
import { FakeMarket } from './support/fake-fleet';

const demo = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml'));
const competition: CompetitionDefinition = { ...demo, model: { ...demo.model, callTimeoutMs: 2_000 } };
const T0 = Date.UTC(2026, 0, 1, 12);

/**
 * The predict loop against the real model-runner client and the real local orchestrator:
 * models in their own processes (and one inline), gRPC calls, the membership WebSocket.
 */
describe('predict loop with the real ModelRunnerService and LocalOrchestrator', () => {
  let db: TestDatabase;
  let orchestrator: LocalOrchestrator;
  let runner: ModelRunnerService;
  let app: INestApplication;
  const market = new FakeMarket();

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    for (let i = 0; i < 30; i++) market.add('BTC', T0 - (30 - i) * 5_000, 60_000 * (1 + 0.001 * Math.sin(i)));
    orchestrator = new LocalOrchestrator();
    const wsPort = await orchestrator.start({
      crunchId: competition.id,
      wsPort: 0,
      rescanIntervalMs: 0,
      hangGraceMs: 200,
      logger: SILENT_LOGGER,
      baseClassName: competition.model.baseClass,
      modelsConfigPath: writeModelsConfig([
        { id: 'ewma', code_path: modelDir('models/gaussian-ewma'), language: 'javascript' },
        { id: 'student', code_path: modelDir('models/student-t'), language: 'javascript', isolation: 'inline' },
        { id: 'short', code_path: modelDir('models-faulty/wrong-length'), language: 'javascript', isolation: 'inline' },
        { id: 'nan', code_path: modelDir('models-faulty/returns-nan'), language: 'javascript', isolation: 'inline' },
        { id: 'hangs', code_path: modelDir('models-faulty/hangs'), language: 'javascript' },
      ]),
    });
    runner = new ModelRunnerService({ host: '127.0.0.1', port: wsPort, crunchId: competition.id, baseClassName: competition.model.baseClass, setupBackoffMs: 50 });

    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: db.dataSource }], exports: [DataSource] })
    class TestDatabaseModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(loadAppConfig({ SCHEDULES_ENABLED: 'false' }), competition),
        ClockModule.forRoot(new VirtualClock(T0)),
        TestDatabaseModule,
        PredictModule.register({ modelCaller: runner, marketData: market }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init(); // syncs the competition, subscribes the registry to membership
    await runner.start();
    const deadline = Date.now() + 20_000;
    while (runner.runningModels().length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await app.get(ModelRegistryService).idle();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await runner?.stop();
    await orchestrator?.stop();
    await db?.close();
  }, 30_000);

  it('records every running model in the registry', async () => {
    expect(runner.runningModels().map((m) => m.modelId).sort()).toEqual(['ewma', 'hangs', 'nan', 'short', 'student']);
    const rows = await db.dataSource.query(`SELECT id, state, deployment_id FROM models ORDER BY id`);
    expect(rows.map((r: any) => [r.id, r.state])).toEqual([
      ['ewma', 'RUNNING'],
      ['hangs', 'RUNNING'],
      ['nan', 'RUNNING'],
      ['short', 'RUNNING'],
      ['student', 'RUNNING'],
    ]);
    for (const row of rows) expect(row.deployment_id).toMatch(new RegExp(`^${row.id}_\\d{8}_\\d{6}_\\d{3}$`));
  });

  it('ticks every model with the history window over gRPC', async () => {
    const report = await app.get(TickLoopService).tick();
    expect(report).toMatchObject({ sentHistory: 5, success: 5, failed: 0, timeout: 0 });
  }, 20_000);

  it('runs a predict round and stores SUCCESS, FAILED (invalid) and TIMEOUT predictions', async () => {
    const configs = await app.get(PredictionConfigRepository).active(competition.id);
    const btc = configs.find((c) => c.asset === 'BTC' && c.horizon === 120)!;
    const report = (await app.get(PredictionRoundService).run(btc, new Date(T0)))!;
    const rows = await db.dataSource.query(`SELECT model_id, status, failure_reason, payload::text AS payload, payload_compact FROM predictions WHERE round_id = $1 ORDER BY model_id`, [report.roundId]);
    const byModel = Object.fromEntries(rows.map((r: any) => [r.model_id, { model_id: r.model_id, status: r.status, failure_reason: r.failure_reason, payload: JSON.parse(payloadText(r) ?? 'null') }]));
    expect(byModel.ewma.status).toBe('SUCCESS');
    expect(byModel.ewma.payload).toHaveLength(4);
    expect(byModel.ewma.payload[0]).toMatchObject({ type: 'builtin', name: 'norm' });
    expect(byModel.student.status).toBe('SUCCESS');
    expect(byModel.short).toMatchObject({ status: 'FAILED', failure_reason: 'invalid prediction: expected exactly 4 distributions (horizon / step), got 3', payload: null });
    expect(byModel.nan).toMatchObject({ status: 'FAILED', payload: null });
    expect(byModel.nan.failure_reason).toMatch(/non-finite number (NaN|-?Infinity)/);
    expect(byModel.hangs.status).toBe('TIMEOUT');
    expect(report.counts).toEqual({ modelCount: 5, successCount: 2, failedCount: 2, timeoutCount: 1, absentCount: 0 });
  }, 30_000);
});
