import * as path from 'node:path';
import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { JobScheduler } from '../../src/clock/job-scheduler';
import { loadAppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { ScheduledJobs } from '../../src/clock/scheduled-jobs.service';
import { PredictModule } from '../../src/predict/predict.module';
import { PredictSchedulerService, TICK_JOB } from '../../src/predict/schedule/predict-scheduler.service';
import { describeEachEngine } from '../support/test-database';
import { densityModel, FakeFleet, FakeMarket, fleetModel } from './support/fake-fleet';

const competition = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml'));
// demo: group fast = BTC ETH SOL XAU every 40 s (one every 10 s); group slow = BTC ETH every 120 s (one every 60 s); tick every 10 s.
const START = Date.UTC(2026, 0, 1, 0, 0, 5);

describeEachEngine('PredictModule on a virtual clock', (db) => {
  let app: INestApplication;
  let clock: VirtualClock;
  let fleet: FakeFleet;
  let market: FakeMarket;

  async function boot(env: Record<string, string>): Promise<INestApplication> {
    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: db().dataSource }], exports: [DataSource] })
    class TestDatabaseModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(loadAppConfig(env), competition),
        ClockModule.forRoot(clock),
        TestDatabaseModule,
        PredictModule.register({ modelCaller: fleet, marketData: market }),
      ],
    }).compile();
    const nest = moduleRef.createNestApplication({ logger: false });
    await nest.init();
    await nest.get(ScheduledJobs).start(); // as PipelineLifecycle does at bootstrap
    return nest;
  }

  beforeAll(async () => {
    clock = new VirtualClock(START);
    fleet = new FakeFleet();
    market = new FakeMarket();
    market.add('BTC', START - 5_000, 60_000);
    fleet.join(fleetModel('m1'), densityModel());
    fleet.join(fleetModel('m2'), densityModel());
    app = await boot({});
  }, 60_000);

  // Closed inside the last test: describeEachEngine's own afterAll closes the database first.

  it('registers the tick and one round job per active config at bootstrap', () => {
    const names = app.get(JobScheduler).jobNames();
    expect(names).toContain(TICK_JOB);
    expect(names.filter((n) => n.startsWith('predict:round:')).sort()).toEqual([
      'predict:round:BTC-120-30',
      'predict:round:BTC-300-60',
      'predict:round:ETH-120-30',
      'predict:round:ETH-300-60',
      'predict:round:SOL-120-30',
      'predict:round:XAU-120-30',
    ]);
  });

  it('runs the round-robin schedule on time and stores a prediction per model per round', async () => {
    await clock.advanceTo(START - 5_000 + 120_000); // two minutes from 00:00:00
    const rounds: Array<{ asset: string; step: number; at: Date; model_count: number; success_count: number }> = await db().dataSource.query(
      `SELECT c.asset, c.step, r.scheduled_at AS at, r.model_count, r.success_count
         FROM prediction_rounds r JOIN prediction_configs c ON c.id = r.config_id ORDER BY r.scheduled_at, c.step`,
    );
    const seconds = (d: Date) => (d.getTime() - (START - 5_000)) / 1000;
    const fast = rounds.filter((r) => r.step === 30).map((r) => `${r.asset}@${seconds(r.at)}`);
    expect(fast).toEqual(['ETH@10', 'SOL@20', 'XAU@30', 'BTC@40', 'ETH@50', 'SOL@60', 'XAU@70', 'BTC@80', 'ETH@90', 'SOL@100', 'XAU@110', 'BTC@120']);
    const slow = rounds.filter((r) => r.step === 60).map((r) => `${r.asset}@${seconds(r.at)}`);
    expect(slow).toEqual(['ETH@60', 'BTC@120']);
    for (const r of rounds) expect([r.model_count, r.success_count]).toEqual([2, 2]);
    const [{ n }] = await db().dataSource.query(`SELECT count(*)::int AS n FROM predictions`);
    expect(n).toBe(rounds.length * 2);
  });

  it('ticks every tick.interval, sending history first, then nothing new until the data moves', async () => {
    const ticks = fleet.calls.filter((c) => c.method === 'tick');
    expect(ticks).toHaveLength(1); // one point of data: sent once, then both models are up to date
    expect(market.refreshes).toBe(12);
    market.add('BTC', clock.nowMs(), 60_100);
    await clock.advance(10_000);
    expect(fleet.calls.filter((c) => c.method === 'tick')).toHaveLength(2);
  });

  it('registers nothing when schedules are disabled or the process has no predict role', async () => {
    await app.close();
    clock = new VirtualClock(clock.nowMs());
    fleet = new FakeFleet(); // a process of another role is not connected to the orchestrator
    const states = async () => (await db().dataSource.query(`SELECT id, state FROM models ORDER BY id`)).map((r: any) => `${r.id}:${r.state}`);
    expect(await states()).toEqual(['m1:RUNNING', 'm2:RUNNING']);
    for (const env of [{ ROLES: 'score,report' }, { SCHEDULES_ENABLED: 'false' }] as Array<Record<string, string>>) {
      const nest = await boot(env);
      expect(nest.get(JobScheduler).jobNames()).toEqual([]);
      if (env.ROLES) expect(await states()).toEqual(['m1:RUNNING', 'm2:RUNNING']); // its empty fleet stopped nobody
      await nest.close();
    }
    expect(await states()).toEqual(['m1:STOPPED', 'm2:STOPPED']); // the predict-role process reconciled with its (empty) fleet
    app = await boot({ SCHEDULES_ENABLED: 'false' });
    const slots = await app.get(PredictSchedulerService).roundSlots();
    expect(slots).toHaveLength(6);
    await app.close();
  });
});
