import * as path from 'node:path';
import { VirtualClock } from '../../src/clock/clock';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { TickLoopService } from '../../src/predict/tick/tick-loop.service';
import { FakeAnswer, FakeFleet, FakeMarket, fleetModel } from './support/fake-fleet';

const competition = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml'));
const ok: FakeAnswer = { status: 'SUCCESS', result: null };
const T0 = Date.UTC(2026, 0, 1);

function payloadOf(fleet: FakeFleet, callIndex: number, modelId: string): unknown {
  const args = fleet.calls[callIndex].args.get(modelId);
  expect(args?.positional).toHaveLength(1);
  expect(args?.positional[0].type).toBe('JSON');
  return args!.positional[0].value;
}

describe('TickLoopService', () => {
  let fleet: FakeFleet;
  let market: FakeMarket;
  let tickLoop: TickLoopService;

  beforeEach(() => {
    fleet = new FakeFleet();
    market = new FakeMarket();
    tickLoop = new TickLoopService(fleet, market, competition, new VirtualClock(T0));
    market.add('BTC', T0, 100);
    market.add('BTC', T0 + 60_000, 101);
  });

  it('refreshes the data, then sends a newly joined model the history window as one JSON positional argument', async () => {
    fleet.join(fleetModel('m1'), () => ok);
    const report = await tickLoop.tick();
    expect(market.refreshes).toBe(1);
    expect(fleet.calls[0].method).toBe('tick');
    expect(payloadOf(fleet, 0, 'm1')).toEqual({ BTC: [[T0 / 1000, 100], [T0 / 1000 + 60, 101]] });
    expect(report).toMatchObject({ sentHistory: 1, sentUpdate: 0, success: 1, throughMs: T0 + 60_000 });
  });

  it('then sends only the points after the last successful tick', async () => {
    fleet.join(fleetModel('m1'), () => ok);
    await tickLoop.tick();
    market.add('BTC', T0 + 120_000, 102);
    await tickLoop.tick();
    expect(payloadOf(fleet, 1, 'm1')).toEqual({ BTC: [[T0 / 1000 + 120, 102]] });
  });

  it('does not call a model that is already up to date', async () => {
    fleet.join(fleetModel('m1'), () => ok);
    await tickLoop.tick();
    const report = await tickLoop.tick();
    expect(fleet.calls).toHaveLength(1);
    expect(report.upToDate).toBe(1);
  });

  it('keeps the watermark of a model whose tick failed, so it gets the missed points next time', async () => {
    let answer: FakeAnswer = ok;
    fleet.join(fleetModel('m1'), () => answer);
    await tickLoop.tick();
    market.add('BTC', T0 + 120_000, 102);
    answer = { status: 'TIMEOUT' };
    const failed = await tickLoop.tick();
    expect(failed.timeout).toBe(1);
    market.add('BTC', T0 + 180_000, 103);
    answer = ok;
    await tickLoop.tick();
    expect(payloadOf(fleet, 2, 'm1')).toEqual({ BTC: [[T0 / 1000 + 120, 102], [T0 / 1000 + 180, 103]] });
  });

  it('sends the history again to a redeployed model, and the update to the others, in one call', async () => {
    fleet.join(fleetModel('m1'), () => ok);
    fleet.join(fleetModel('m2'), () => ok);
    await tickLoop.tick();
    fleet.join(fleetModel('m2', 2), () => ok); // new deployment of m2
    market.add('BTC', T0 + 120_000, 102);
    const report = await tickLoop.tick();
    expect(fleet.calls[1].modelIds).toEqual(['m1', 'm2']);
    expect(payloadOf(fleet, 1, 'm1')).toEqual({ BTC: [[T0 / 1000 + 120, 102]] });
    expect(payloadOf(fleet, 1, 'm2')).toEqual({ BTC: [[T0 / 1000, 100], [T0 / 1000 + 60, 101], [T0 / 1000 + 120, 102]] });
    expect(report).toMatchObject({ sentHistory: 1, sentUpdate: 1 });
  });

  it('builds each distinct payload once however many models share it', async () => {
    for (let i = 0; i < 50; i++) fleet.join(fleetModel(`m${i}`), () => ok);
    await tickLoop.tick();
    expect(market.historyCalls).toBe(1);
    const first = fleet.calls[0].args.get('m0');
    expect(fleet.calls[0].args.get('m49')).toBe(first);
  });

  it('counts failures and never throws, even when the data refresh fails', async () => {
    fleet.join(fleetModel('m1'), () => ({ status: 'FAILED', error: 'boom' }));
    fleet.join(fleetModel('m2'), () => ok);
    market.refresh = () => {
      throw new Error('feed down');
    };
    const report = await tickLoop.tick();
    expect(report).toMatchObject({ success: 1, failed: 1, timeout: 0 });
  });

  it('skips the tick before any data exists', async () => {
    const empty = new FakeMarket();
    const loop = new TickLoopService(fleet, empty, competition, new VirtualClock(T0));
    fleet.join(fleetModel('m1'), () => ok);
    expect((await loop.tick()).throughMs).toBeNull();
    expect(fleet.calls).toHaveLength(0);
  });

  it('gives the history again to a model that left and came back', async () => {
    fleet.join(fleetModel('m1'), () => ok);
    await tickLoop.tick();
    fleet.leave('m1');
    await tickLoop.tick();
    fleet.join(fleetModel('m1'), () => ok);
    const report = await tickLoop.tick();
    expect(report.sentHistory).toBe(1);
  });
});

describe('TickLoopService: ticks before predicts', () => {
  // demo: tick every 10 s, call timeout 5 s, so a round waits at most 10 s past its instant.
  let clock: VirtualClock;
  let fleet: FakeFleet;
  let tickLoop: TickLoopService;

  beforeEach(() => {
    clock = new VirtualClock(T0);
    fleet = new FakeFleet();
    const market = new FakeMarket();
    market.add('BTC', T0, 100);
    tickLoop = new TickLoopService(fleet, market, competition, clock);
  });

  function watch(promise: Promise<boolean>): { value?: boolean } {
    const seen: { value?: boolean } = {};
    void promise.then((v) => (seen.value = v));
    return seen;
  }

  it('lets a round at an instant without a tick go at once', async () => {
    expect(await tickLoop.tickOf(new Date(T0 + 5_000))).toBe(true);
  });

  it('makes a round wait for the tick of its own instant that has not started yet', async () => {
    fleet.join(fleetModel('m1'), () => ok);
    const wait = watch(tickLoop.tickOf(new Date(T0)));
    await clock.advance(0);
    expect(wait.value).toBeUndefined();
    await tickLoop.tick(new Date(T0));
    await clock.advance(0);
    expect(wait.value).toBe(true);
    expect(await tickLoop.tickOf(new Date(T0))).toBe(true); // finished: a later round of that instant goes at once
  });

  it('waits for a tick still running at a later instant between ticks', async () => {
    let release!: () => void;
    fleet.join(fleetModel('m1'), () => new Promise((resolve) => (release = () => resolve(ok))));
    const ticking = tickLoop.tick(new Date(T0));
    await clock.advance(0);
    const wait = watch(tickLoop.tickOf(new Date(T0 + 3_000)));
    await clock.advance(0);
    expect(wait.value).toBeUndefined();
    release();
    await ticking;
    await clock.advance(0);
    expect(wait.value).toBe(true);
  });

  it('stops waiting at the tick deadline (instant + call timeout + 5 s) when the tick never comes', async () => {
    const wait = watch(tickLoop.tickOf(new Date(T0)));
    await clock.advance(9_999);
    expect(wait.value).toBeUndefined();
    await clock.advance(1);
    expect(wait.value).toBe(false);
  });

  it('knows a model has history only after a successful history tick of its current deployment', async () => {
    let answer: FakeAnswer = { status: 'FAILED', error: 'boom' };
    fleet.join(fleetModel('m1'), () => answer);
    expect(tickLoop.hasHistory(fleetModel('m1'))).toBe(false);
    await tickLoop.tick(new Date(T0));
    expect(tickLoop.hasHistory(fleetModel('m1'))).toBe(false);
    answer = ok;
    await tickLoop.tick(new Date(T0 + 10_000));
    expect(tickLoop.hasHistory(fleetModel('m1'))).toBe(true);
    expect(tickLoop.hasHistory(fleetModel('m1', 2))).toBe(false); // a redeployment needs its history again
  });
});
