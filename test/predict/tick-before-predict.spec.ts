import * as path from 'node:path';
import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { loadAppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { PredictModule } from '../../src/predict/predict.module';
import { ScheduledJobs } from '../../src/clock/scheduled-jobs.service';
import { describeEachEngine } from '../support/test-database';
import { densityModel, FakeBehaviour, FakeFleet, FakeMarket, fleetModel } from './support/fake-fleet';

// demo with ticks every 20 s: rounds every 10 s (ETH@10, SOL@20, XAU@30, BTC@40, ...), so every
// other round falls between two ticks.
const demo = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml'));
const competition = { ...demo, tick: { ...demo.tick, interval: 20 } };
const T0 = Date.UTC(2026, 0, 1); // 00:00:00
const at = (seconds: number) => T0 + seconds * 1000;

describeEachEngine('tick before predict, on a virtual clock', (db) => {
  let app: INestApplication;
  let clock: VirtualClock;
  let fleet: FakeFleet;
  let market: FakeMarket;
  /** Per model, the calls it received in order: `tick@<s>` when its tick finished, `predict@<s>` when a predict arrived. */
  const seen = new Map<string, string[]>();

  /** A density model whose tick takes `tickMs` of clock time (so a predict that did not wait would overtake it). */
  function slowTicker(modelId: string, tickMs: number, tickAnswer: 'SUCCESS' | 'FAILED' = 'SUCCESS'): FakeBehaviour {
    const density = densityModel();
    return async (method, args) => {
      const log = seen.get(modelId) ?? [];
      seen.set(modelId, log);
      const seconds = () => (clock.nowMs() - T0) / 1000;
      if (method === 'tick') {
        await clock.sleep(tickMs);
        log.push(`tick@${seconds()}`);
        return tickAnswer === 'SUCCESS' ? { status: 'SUCCESS', result: null } : { status: 'FAILED', error: 'tick raised' };
      }
      log.push(`predict@${seconds()}`);
      return density(method, args);
    };
  }

  async function predictions(modelId: string): Promise<Array<{ s: number; status: string; reason: string | null }>> {
    const rows: Array<{ at: Date; status: string; failure_reason: string | null }> = await db().dataSource.query(
      `SELECT r.scheduled_at AS at, p.status, p.failure_reason FROM predictions p JOIN prediction_rounds r ON r.id = p.round_id
        WHERE p.model_id = $1 ORDER BY r.scheduled_at`,
      [modelId],
    );
    return rows.map((r) => ({ s: (new Date(r.at).getTime() - T0) / 1000, status: r.status, reason: r.failure_reason }));
  }

  beforeAll(async () => {
    clock = new VirtualClock(at(5));
    fleet = new FakeFleet();
    market = new FakeMarket();
    market.add('BTC', at(0), 60_000);
    fleet.join(fleetModel('m1'), slowTicker('m1', 2_000));
    fleet.join(fleetModel('m3'), slowTicker('m3', 0, 'FAILED'));
    @Global()
    @Module({ providers: [{ provide: DataSource, useValue: db().dataSource }], exports: [DataSource] })
    class TestDatabaseModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(loadAppConfig({}), competition),
        ClockModule.forRoot(clock),
        TestDatabaseModule,
        PredictModule.register({ modelCaller: fleet, marketData: market }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.get(ScheduledJobs).start();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('records a model ABSENT with "no history yet" until its first tick, then predicts only after the tick of the same instant', async () => {
    await clock.advanceTo(at(25));
    // 10: no tick has run yet (the first is at 20); 20: the 2 s tick finishes before the predict of 20.
    expect(seen.get('m1')).toEqual(['tick@22', 'predict@22']);
    expect(await predictions('m1')).toEqual([
      { s: 10, status: 'ABSENT', reason: 'no history yet' },
      { s: 20, status: 'SUCCESS', reason: null },
    ]);
  });

  it('each later predict of a tick instant reaches the model after that instant tick', async () => {
    market.add('BTC', at(30), 60_100);
    await clock.advanceTo(at(45));
    expect(seen.get('m1')).toEqual(['tick@22', 'predict@22', 'predict@30', 'tick@42', 'predict@42']);
  });

  it('gives a model joining between ticks its history tick before its first predict, ABSENT until then', async () => {
    fleet.join(fleetModel('m2'), slowTicker('m2', 0)); // joins at 45: the round of 50 falls between ticks
    await clock.advanceTo(at(65));
    expect(seen.get('m2')).toEqual(['tick@60', 'predict@60', 'predict@60']); // two rounds at 60 (SOL 120 s, ETH 300 s)
    expect((await predictions('m2')).map((p) => `${p.s}:${p.status}:${p.reason}`)).toEqual(['50:ABSENT:no history yet', '60:SUCCESS:null', '60:SUCCESS:null']);
  });

  it('never asks a model whose history tick keeps failing to predict', async () => {
    expect(seen.get('m3')?.filter((c) => c.startsWith('predict'))).toEqual([]);
    const rows = await predictions('m3');
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) expect(row).toMatchObject({ status: 'ABSENT', reason: 'no history yet' });
  });

  it('asks a redeployed model for nothing until the new deployment has its history', async () => {
    fleet.join(fleetModel('m2', 2), slowTicker('m2', 0)); // at 65: the round of 70 falls between ticks
    await clock.advanceTo(at(85));
    const rows = (await predictions('m2')).filter((p) => p.s >= 70).map((p) => `${p.s}:${p.status}`);
    expect(rows).toEqual(['70:ABSENT', '80:SUCCESS']);
  });
});
