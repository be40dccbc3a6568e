import { VirtualClock } from '../../src/clock/clock';
import { JobScheduler } from '../../src/clock/job-scheduler';
import type { PredictionConfig } from '../../src/competition/prediction-config';
import { missedRounds, nextRoundAt, previousRoundAt, roundSlots } from '../../src/predict/schedule/round-schedule';

function config(asset: string, group: string, order: number, interval: number, active = true): PredictionConfig {
  return { id: `${group}-${asset}`, competitionId: 'c', asset, horizon: 3600, step: 60, interval, group, order, active };
}

const hourly = ['XAU', 'BTC', 'SOL', 'ETH'].map((asset) => config(asset, 'hourly', ['BTC', 'ETH', 'SOL', 'XAU'].indexOf(asset), 720));
const daily = ['BTC', 'ETH', 'SOL', 'XAU'].map((asset, i) => config(asset, 'daily', i, 3600));

describe('round-robin schedule', () => {
  it('spreads the configs of a group evenly over the interval, in `order`', () => {
    const slots = roundSlots(hourly);
    expect(slots.map((s) => [s.config.asset, s.everyMs, s.offsetMs])).toEqual([
      ['BTC', 720_000, 0],
      ['ETH', 720_000, 180_000],
      ['SOL', 720_000, 360_000],
      ['XAU', 720_000, 540_000],
    ]);
  });

  it('schedules each group independently', () => {
    const slots = roundSlots([...daily, ...hourly]);
    expect(slots.filter((s) => s.config.group === 'daily').map((s) => s.offsetMs)).toEqual([0, 900_000, 1_800_000, 2_700_000]);
    expect(slots.filter((s) => s.config.group === 'hourly').map((s) => s.offsetMs)).toEqual([0, 180_000, 360_000, 540_000]);
  });

  it('leaves inactive configs out and re-spreads the others', () => {
    const slots = roundSlots([...hourly.filter((c) => c.asset !== 'SOL'), { ...hourly.find((c) => c.asset === 'SOL')!, active: false }]);
    expect(slots.map((s) => [s.config.asset, s.offsetMs])).toEqual([
      ['BTC', 0],
      ['ETH', 240_000],
      ['XAU', 480_000],
    ]);
  });

  it('places config k at times t where t - k*interval/n is a multiple of interval (epoch-aligned)', () => {
    const slot = roundSlots(hourly)[2]; // SOL, offset 360 s
    const now = Date.UTC(2026, 0, 1, 10, 0, 1);
    const next = nextRoundAt(slot, now);
    expect(new Date(next).toISOString()).toBe('2026-01-01T10:06:00.000Z');
    expect((next - slot.offsetMs) % slot.everyMs).toBe(0);
    expect(previousRoundAt(slot, now)).toBe(next - slot.everyMs);
    expect(nextRoundAt(slot, next)).toBe(next + slot.everyMs);
    expect(previousRoundAt(slot, next)).toBe(next);
  });

  it('counts the rounds missed while the process was down', () => {
    const slot = { everyMs: 720_000, offsetMs: 180_000 };
    const last = Date.UTC(2026, 0, 1, 10, 3); // a BTC... ETH slot at 10:03
    expect(missedRounds(slot, last, last + 100_000)).toBe(0);
    expect(missedRounds(slot, last, last + 720_000 - 1)).toBe(0);
    expect(missedRounds(slot, last, last + 720_000)).toBe(1);
    expect(missedRounds(slot, last, last + 3 * 720_000 + 5)).toBe(3);
  });
});

describe('round schedule on the JobScheduler (VirtualClock)', () => {
  it('runs one asset every interval/n seconds, and a slow round does not shift the next ones', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0, 30);
    const clock = new VirtualClock(start);
    const scheduler = new JobScheduler(clock);
    const runs: Array<[string, number, number]> = [];
    for (const slot of roundSlots(hourly)) {
      scheduler.register({
        name: slot.config.asset,
        everyMs: slot.everyMs,
        offsetMs: slot.offsetMs,
        run: async (scheduledAt) => {
          runs.push([slot.config.asset, scheduledAt.getTime() - start, clock.nowMs() - start]);
          if (slot.config.asset === 'ETH') await clock.sleep(200_000); // slower than the gap to the next asset
        },
      });
    }
    await clock.advance(2 * 720_000);
    const minute = (ms: number) => ms / 1000;
    expect(runs.map(([asset, scheduled]) => [asset, minute(scheduled)])).toEqual([
      ['BTC', 690],
      ['ETH', 150],
      ['SOL', 330],
      ['XAU', 510],
      ['BTC', 1410],
      ['ETH', 870],
      ['SOL', 1050],
      ['XAU', 1230],
    ].sort((a, b) => (a[1] as number) - (b[1] as number)));
    // Every run started at its scheduled time, whatever the previous round did.
    for (const [, scheduled, startedAt] of runs) expect(startedAt).toBe(scheduled);
    await scheduler.stop(10);
  });
});
