import { DynamicModule, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ScheduledJobs } from '../../src/clock/scheduled-jobs.service';
import { ClockModule } from '../../src/clock/clock.module';
import { VirtualClock } from '../../src/clock/clock';
import { COMPETITION } from '../../src/config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { DataSourceModule } from '../../src/data-source/data-source.module';
import { DataSourceService } from '../../src/data-source/data-source.service';
import { competitionFeedSeries, FeedRecordRepository } from '../../src/data-source/feed-record.repository';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../../src/data-source/feed';
import { FeedAdapter } from '../../src/data-source/feed-adapter.decorator';
import { FeedRegistry } from '../../src/data-source/feed-registry';
import { describeEachEngine } from '../support/test-database';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

/** A feed whose prices the test writes by hand, and which can be told to fail. */
class ScriptedFeed implements Feed {
  prices = new Map<string, Array<[number, number]>>();
  failing: Error | null = null;
  calls: Array<{ subject: string; fromMs: number; toMs: number }> = [];

  constructor(private readonly context: FeedContext) {}

  set(subject: string, points: Array<[number, number]>): void {
    this.prices.set(subject, points);
  }

  async listSubjects(): Promise<string[]> {
    return [...this.prices.keys()];
  }

  async fetchRange(subject: string, fromMs: number, toMs: number): Promise<FeedRecord[]> {
    this.calls.push({ subject, fromMs, toMs });
    if (this.failing) throw this.failing;
    const now = this.context.nowMs();
    return (this.prices.get(subject) ?? [])
      .filter(([ts]) => ts >= fromMs && ts <= toMs && ts <= now)
      .map(([ts, close]) => ({ subject, ts, values: { close } }));
  }
}

let lastScripted: ScriptedFeed | undefined;

@FeedAdapter('scripted')
class ScriptedFeedAdapter implements FeedAdapterProvider {
  create(_options: Record<string, unknown>, context: FeedContext): Feed {
    lastScripted = new ScriptedFeed(context);
    return lastScripted;
  }
}

/** A team's own module: only declares its adapter, core code untouched. */
@Module({ providers: [ScriptedFeedAdapter] })
class TeamFeedsModule {}

function competition(feed: Partial<CompetitionDefinition['feed']> = {}): CompetitionDefinition {
  return {
    id: 'test',
    feed: { adapter: 'scripted', options: {}, subjects: ['BTC', 'ETH'], granularity: 60, historySeconds: 600, stalenessSeconds: 30, pollSeconds: 60, ...feed },
    tick: { interval: 60, payload: 'prices', valueField: 'close' },
  } as unknown as CompetitionDefinition;
}

function environment(definition: CompetitionDefinition, dataSource: DataSource): DynamicModule {
  @Module({})
  class Environment {}
  return {
    module: Environment,
    global: true,
    providers: [
      { provide: COMPETITION, useValue: definition },
      { provide: DataSource, useValue: dataSource },
    ],
    exports: [COMPETITION, DataSource],
  };
}

async function boot(definition: CompetitionDefinition, dataSource: DataSource, clock: VirtualClock): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [ClockModule.forRoot(clock), environment(definition, dataSource), TeamFeedsModule, DataSourceModule],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describeEachEngine('DataSourceService', (db) => {
  let moduleRef: TestingModule | undefined;
  let clock: VirtualClock;

  beforeEach(async () => {
    await db().dataSource.query('DELETE FROM feed_records');
    clock = new VirtualClock(T0);
    lastScripted = undefined;
  });

  afterEach(async () => {
    await moduleRef?.get(DataSourceService).stop();
    await moduleRef?.close();
    moduleRef = undefined;
  });

  const minutes = (from: number, to: number, price: (i: number) => number) =>
    Array.from({ length: to - from + 1 }, (_, k): [number, number] => [T0 + (from + k) * MIN, price(from + k)]);

  it('discovers adapters declared in any module with @FeedAdapter', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    expect(moduleRef.get(FeedRegistry).names()).toEqual(expect.arrayContaining(['scripted', 'synthetic']));
  });

  it('backfills the history window on first start, persists it, and serves it as the first tick', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    lastScripted!.set('BTC', minutes(-20, 0, (i) => 100 + i));
    await service.refresh();
    const payload = service.tickPayload({});
    // history 600 s: the 11 minutes -10..0 (both ends kept)
    expect(payload.BTC).toEqual(minutes(-10, 0, (i) => 100 + i).map(([ts, v]) => [ts / 1000, v]));
    expect(payload.ETH).toEqual([]);
    const [row] = await db().dataSource.query(`SELECT count(*)::int AS n FROM feed_records WHERE subject = 'BTC'`);
    expect(row.n).toBe(11);
    expect(service.latestTimestamp()).toBe(T0);
  });

  it('polls on the clock and sends only points newer than the last tick', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    lastScripted!.set('BTC', minutes(-5, 10, (i) => 200 + i));
    await service.refresh();
    const lastTick = service.latestTimestamp()!;
    await clock.advance(2 * MIN);
    expect(service.tickPayload({ sinceMs: lastTick }).BTC).toEqual([
      [(T0 + MIN) / 1000, 201],
      [(T0 + 2 * MIN) / 1000, 202],
    ]);
  });

  it('resumes from the stored watermark after a restart instead of refetching the history', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    await moduleRef.get(DataSourceService).start();
    lastScripted!.set('BTC', minutes(-10, 30, (i) => 300 + i));
    await moduleRef.get(DataSourceService).refresh();
    await moduleRef.get(DataSourceService).stop();
    await moduleRef.close();

    clock = new VirtualClock(T0 + 3 * MIN);
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    const startPromise = service.start();
    lastScripted!.set('BTC', minutes(-10, 30, (i) => 300 + i));
    await startPromise;
    const btcCalls = lastScripted!.calls.filter((c) => c.subject === 'BTC');
    expect(btcCalls[0].fromMs).toBe(T0 + 1);
    // The window came back from the database: the whole history is served at once.
    expect(service.tickPayload({}).BTC.length).toBe(11);
    expect(service.tickPayload({}).BTC.at(-1)).toEqual([(T0 + 3 * MIN) / 1000, 303]);
  });

  it('computes log-return and difference ground truth from the nearest observations', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    // Observations a few seconds off the minute, as real feeds stamp them.
    lastScripted!.set('ETH', [
      [T0 - 5_000, 100],
      [T0 + MIN + 10_000, 110],
      [T0 + 2 * MIN - 20_000, 99],
      [T0 + 2 * MIN + 25_000, 50],
    ]);
    await clock.advance(3 * MIN);
    const q = { subject: 'ETH', performedAtMs: T0, horizon: 120, step: 60 } as const;
    const logReturns = await service.groundTruth({ ...q, target: 'log-return' });
    expect(logReturns.ok).toBe(true);
    if (!logReturns.ok) return;
    expect(logReturns.values[0]).toBeCloseTo(Math.log(110 / 100), 12);
    expect(logReturns.values[1]).toBeCloseTo(Math.log(99 / 110), 12);
    expect(await service.groundTruth({ ...q, target: 'difference' })).toEqual({ ok: true, values: [10, -11] });
  });

  it('says ground truth is not there yet (retryable) before data passes the horizon, and a gap is final', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    lastScripted!.set('BTC', [...minutes(0, 2, () => 100), ...minutes(5, 8, () => 101)]);
    await clock.advance(2 * MIN);
    const early = await service.groundTruth({ subject: 'BTC', performedAtMs: T0, horizon: 180, step: 60, target: 'log-return' });
    expect(early).toMatchObject({ ok: false, retryable: true });
    await clock.advance(6 * MIN);
    const gap = await service.groundTruth({ subject: 'BTC', performedAtMs: T0, horizon: 180, step: 60, target: 'log-return' });
    expect(gap).toMatchObject({ ok: false, retryable: false });
    expect(gap.ok === false && gap.reason).toContain('no observation within 30s of 2026-01-01T00:03:00.000Z');
  });

  it('reads ground truth older than the window from the stored records', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    lastScripted!.set('BTC', minutes(0, 40, (i) => 1000 * Math.exp(0.01 * i * i)));
    await clock.advance(40 * MIN);
    expect(service.tickPayload({}).BTC[0][0]).toBe((T0 + 30 * MIN) / 1000); // minute 2 is no longer in memory
    const truth = await service.groundTruth({ subject: 'BTC', performedAtMs: T0 + 2 * MIN, horizon: 120, step: 60, target: 'log-return' });
    expect(truth.ok).toBe(true);
    if (!truth.ok) return;
    expect(truth.values[0]).toBeCloseTo(0.01 * (9 - 4), 10);
    expect(truth.values[1]).toBeCloseTo(0.01 * (16 - 9), 10);
  });

  it('marks a failing feed stale with its error, keeps what it has, and recovers by itself', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    expect(service.health().status).toBe('down');
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    lastScripted!.set('BTC', minutes(0, 10, (i) => 100 + i));
    await clock.advance(MIN);
    expect(service.health()).toMatchObject({ status: 'up', lastError: null, subjects: { BTC: { newestTs: new Date(T0 + MIN).toISOString() } } });

    lastScripted!.failing = new Error('provider answered 502 three times');
    await clock.advance(MIN);
    expect(service.health()).toMatchObject({ status: 'stale', lastError: expect.stringContaining('provider answered 502') });
    expect(service.tickPayload({}).BTC.length).toBe(2);

    lastScripted!.failing = null;
    await clock.advance(MIN);
    expect(service.health()).toMatchObject({ status: 'up', lastError: null });
    expect(service.tickPayload({}).BTC.length).toBe(4); // the missed minute was caught up
  });

  it('stores a poll of every subject in one insert, and fetches again what a failed store lost', async () => {
    const definition = competition({ subjects: ['BTC', 'ETH', 'SOL'] });
    moduleRef = await boot(definition, db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    const repository = moduleRef.get(FeedRecordRepository);
    await service.start();
    for (const [i, subject] of ['BTC', 'ETH', 'SOL'].entries()) lastScripted!.set(subject, minutes(-2, 5, (k) => 100 * (i + 1) + k));
    const inserted: string[][] = [];
    const insert = repository.insert.bind(repository);
    let failNext = false;
    jest.spyOn(repository, 'insert').mockImplementation(async (series, records) => {
      inserted.push([...new Set(records.map((r) => r.subject))]);
      if (failNext) {
        failNext = false;
        throw new Error('connection terminated');
      }
      return insert(series, records);
    });
    await clock.advance(MIN);
    await service.refresh();
    expect(inserted).toEqual([['BTC', 'ETH', 'SOL']]);

    failNext = true;
    await clock.advance(MIN);
    await service.refresh();
    expect(service.health()).toMatchObject({ status: 'stale', lastError: expect.stringContaining('storing BTC, ETH, SOL: connection terminated') });
    await clock.advance(1_000);
    await service.refresh(); // the watermarks stayed put: the lost minute is fetched and stored again
    expect(service.health()).toMatchObject({ status: 'up', lastError: null });
    const stored = await repository.range(competitionFeedSeries(definition), 'SOL', T0, T0 + 2 * MIN);
    expect(stored.map((r) => r.ts)).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
  });

  it('skips bad records and keeps the rest', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    lastScripted!.set('BTC', [
      [T0 - 3 * MIN, 100],
      [T0 - 2 * MIN, 0],
      [T0 - MIN, -5],
      [T0, Number.NaN],
    ]);
    await service.refresh();
    expect(service.tickPayload({}).BTC).toEqual([[(T0 - 3 * MIN) / 1000, 100]]);
  });

  it('prunes stored records older than retention.feedRecordsDays every hour, keeping the recent ones', async () => {
    const definition = { ...competition(), retention: { feedRecordsDays: 1 } } as unknown as CompetitionDefinition;
    moduleRef = await boot(definition, db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    lastScripted!.set('BTC', minutes(-5, 0, (i) => 100 + i));
    await service.refresh();
    // Two records stored days ago, beside the six recent ones.
    await db().dataSource.query(
      `INSERT INTO feed_records (source, subject, kind, granularity, ts, "values")
       SELECT source, subject, kind, granularity, ts - make_interval(days => d), "values"
         FROM feed_records, (VALUES (2), (3)) AS old(d) WHERE subject = 'BTC' AND ts = $1`,
      [new Date(T0).toISOString()],
    );
    const count = async () => (await db().dataSource.query(`SELECT count(*)::int AS n FROM feed_records WHERE subject = 'BTC'`))[0].n;
    expect(await count()).toBe(8);
    await clock.advance(61 * MIN);
    expect(await count()).toBe(6);
  });

  it('stores what it polls where the report API reads series and latest records', async () => {
    moduleRef = await boot(competition(), db().dataSource, clock);
    const service = moduleRef.get(DataSourceService);
    await moduleRef.get(ScheduledJobs).start(); // starts the feed, then arms its poll and retention jobs
    lastScripted!.set('BTC', minutes(-2, 0, (i) => 100 + i));
    await service.refresh();
    const records = moduleRef.get(FeedRecordRepository);
    expect(await records.summaries(10)).toEqual([
      expect.objectContaining({ source: 'scripted', subject: 'BTC', kind: 'price', granularity: '60s', recordCount: 3, newestTs: new Date(T0) }),
    ]);
    expect((await records.latest({}, 1))[0]).toMatchObject({ subject: 'BTC', values: { close: 100 } });
    expect(await service.pruneRecords(T0 - MIN)).toBe(1);
  });
});

describe('FeedRegistry', () => {
  it('registers programmatic factories next to discovered ones', () => {
    const registry = new FeedRegistry();
    const feed: Feed = { listSubjects: async () => [], fetchRange: async () => [] };
    registry.register('inline', () => feed);
    expect(registry.create('inline', {}, { source: 'inline', subjects: [], granularitySeconds: 60, nowMs: () => 0 })).toBe(feed);
    expect(() => registry.create('nope', {}, { source: 'nope', subjects: [], granularitySeconds: 60, nowMs: () => 0 })).toThrow(
      'unknown feed adapter "nope" (registered: inline)',
    );
  });
});

