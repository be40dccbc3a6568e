import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SystemClock } from '../../src/clock/clock';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { CompetitionRepository } from '../../src/competition/competition.repository';
import { CompetitionSyncService } from '../../src/competition/competition-sync.service';
import { PredictionConfig } from '../../src/competition/prediction-config';
import { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import { dataSourceOptions } from '../../src/database/data-source.factory';
import { HealthRegistry } from '../../src/health/health.registry';
import { ModelRegistryRepository } from '../../src/predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { PredictionRoundService } from '../../src/predict/round/prediction-round.service';
import { RoundOutageBuffer } from '../../src/predict/round/round-outage-buffer';
import { describeEachEngine } from '../support/test-database';
import { DatabaseProxy } from '../../bench/drills-database-proxy';
import { densityModel, FakeFleet, fleetModel } from './support/fake-fleet';

const competition = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml'));

/** Database outages, made for real: the service reaches the database through a proxy the test cuts. */
describeEachEngine('prediction rounds across a database outage', (db) => {
  let btc: PredictionConfig;
  let proxy: DatabaseProxy;
  let throughProxy: DataSource;
  let fleet: FakeFleet;
  const clock = new SystemClock();

  beforeAll(async () => {
    const ds = db().dataSource;
    const configs = new PredictionConfigRepository(ds);
    await new CompetitionSyncService(ds, competition, new CompetitionRepository(), configs).synced();
    btc = (await configs.active(competition.id)).find((c) => c.asset === 'BTC' && c.horizon === 120)!;
    proxy = await DatabaseProxy.start(db().url);
    // Short connect timeout: a refused connection fails at once anyway; this bounds a stuck one.
    const options = dataSourceOptions(proxy.url, { embedded: db().engine === 'pglite', poolSize: 2 });
    throughProxy = new DataSource({ ...options, extra: { connectionTimeoutMillis: 2_000 } } as typeof options);
    await throughProxy.initialize();
  });

  afterAll(async () => {
    await proxy.restore();
    await throughProxy.destroy();
    await proxy.close();
  });

  beforeEach(async () => {
    await proxy.restore();
    fleet = new FakeFleet();
    fleet.join(fleetModel('m1'), densityModel());
    fleet.join(fleetModel('m2'), densityModel());
  });

  function service(opts: { buffer?: RoundOutageBuffer; health?: HealthRegistry } = {}): PredictionRoundService {
    const rounds = new PredictionRoundRepository(throughProxy);
    const s = new PredictionRoundService(fleet, competition, rounds, new ModelRegistryRepository(throughProxy), clock, opts.buffer, opts.health);
    s.onModuleInit();
    return s;
  }

  /** A slot in the past whose next slot is `leftMs` away: the round's deadline comes that soon. */
  let slotsTaken = 0;
  function lateSlot(leftMs: number): Date {
    const everyMs = btc.interval * 1000;
    return new Date(Date.now() - everyMs + leftMs + ++slotsTaken); // + a count: never two tests on one slot
  }

  async function stored(slot: Date): Promise<{ rounds: Array<{ id: string; model_count: number }>; predictions: number }> {
    const rounds = await db().dataSource.query(`SELECT id, model_count FROM prediction_rounds WHERE config_id = $1 AND scheduled_at = $2`, [btc.id, slot]);
    const [{ n }] = await db().dataSource.query(`SELECT count(*)::int AS n FROM predictions p JOIN prediction_rounds r ON r.id = p.round_id WHERE r.config_id = $1 AND r.scheduled_at = $2`, [btc.id, slot]);
    return { rounds, predictions: n };
  }

  it('claims a slot once: the same round claims again, another round of that slot is refused', async () => {
    const rounds = new PredictionRoundRepository(db().dataSource);
    const slot = new Date(Date.UTC(2026, 5, 1));
    const round = { id: randomUUID(), competitionId: competition.id, configId: btc.id, scheduledAt: slot, performedAt: slot, resolvableAt: new Date(slot.getTime() + 120_000) };
    expect(await rounds.claim(round)).toBe(true);
    expect(await rounds.claim(round)).toBe(true);
    expect(await rounds.claim({ ...round, id: randomUUID() })).toBe(false);
    expect((await stored(slot)).rounds).toHaveLength(1);
  });

  it('loses no round to a 2 s blip at the moment the round is due', async () => {
    const slot = new Date(Math.floor(Date.now() / 1000) * 1000);
    await proxy.cut();
    const run = service().run(btc, slot);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await proxy.restore();
    const report = await run;
    expect(report).toMatchObject({ buffered: false, counts: { modelCount: 2, successCount: 2 } });
    const after = await stored(slot);
    expect(after.rounds).toEqual([{ id: report!.roundId, model_count: 2 }]);
    expect(after.predictions).toBe(2);
  }, 30_000);

  it('keeps the answered rounds of a longer outage and writes them, with their ids, when the database returns', async () => {
    const health = new HealthRegistry();
    const rounds = service({ buffer: new RoundOutageBuffer(100), health });
    const slots = [lateSlot(1_000), lateSlot(2_000)];
    await proxy.cut();
    const reports = await Promise.all(slots.map((slot) => rounds.run(btc, slot)));
    expect(reports.map((r) => r?.buffered)).toEqual([true, true]);
    expect(fleet.calls).toHaveLength(2); // the models were called although nothing could be claimed
    expect((await health.run()).predictionBuffer).toMatchObject({ status: 'degraded', bufferedRounds: 2, bufferedPredictions: 4, droppedRounds: 0 });
    expect(await rounds.writeBuffered()).toBe(2); // still down: kept
    await proxy.restore();
    expect(await rounds.writeBuffered()).toBe(0);
    for (const [i, slot] of slots.entries()) {
      expect(await stored(slot)).toEqual({ rounds: [{ id: reports[i]!.roundId, model_count: 2 }], predictions: 2 });
    }
    expect((await health.run()).predictionBuffer).toMatchObject({ status: 'up', bufferedRounds: 0, storedRounds: 2, storedPredictions: 4 });
  }, 30_000);

  it('writes buffered rounds by itself once the database is back', async () => {
    const rounds = service();
    const slot = lateSlot(500);
    await proxy.cut();
    expect((await rounds.run(btc, slot))?.buffered).toBe(true);
    await proxy.restore();
    const until = Date.now() + 10_000;
    while (rounds.outageCounters().bufferedRounds > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(rounds.outageCounters()).toMatchObject({ bufferedRounds: 0, storedRounds: 1 });
    expect((await stored(slot)).predictions).toBe(2);
    rounds.onModuleDestroy();
  }, 30_000);

  it('drops a buffered round whose slot another instance ran meanwhile: the slot runs once', async () => {
    const rounds = service();
    const slot = lateSlot(500);
    await proxy.cut();
    expect((await rounds.run(btc, slot))?.buffered).toBe(true);
    const other = new PredictionRoundService(fleet, competition, new PredictionRoundRepository(db().dataSource), new ModelRegistryRepository(db().dataSource), clock);
    const ran = await other.run(btc, slot);
    await proxy.restore();
    expect(await rounds.writeBuffered()).toBe(0);
    expect(rounds.outageCounters()).toMatchObject({ droppedRounds: 1, storedRounds: 0 });
    expect(await stored(slot)).toEqual({ rounds: [{ id: ran!.roundId, model_count: 2 }], predictions: 2 });
    rounds.onModuleDestroy();
  }, 30_000);

  it('drops a round with a warning past the bound, and counts it', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const rounds = service({ buffer: new RoundOutageBuffer(3) }); // room for one round of 2 predictions
      const slots = [lateSlot(300), lateSlot(600)];
      await proxy.cut();
      const first = await rounds.run(btc, slots[0]);
      const second = await rounds.run(btc, slots[1]);
      expect(first?.buffered).toBe(true);
      expect(second).toBeNull();
      expect(rounds.outageCounters()).toMatchObject({ bufferedRounds: 1, bufferedPredictions: 2, droppedRounds: 1, droppedPredictions: 2, maxPredictions: 3 });
      expect(warn.mock.calls.some(([message]) => String(message).includes('outage buffer is full') && String(message).includes('OUTAGE_BUFFER_PREDICTIONS'))).toBe(true);
      await proxy.restore();
      expect(await rounds.writeBuffered()).toBe(0);
      expect((await stored(slots[0])).predictions).toBe(2);
      expect((await stored(slots[1])).rounds).toHaveLength(0);
    } finally {
      warn.mockRestore();
    }
  }, 30_000);
});
