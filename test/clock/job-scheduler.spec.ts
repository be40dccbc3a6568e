import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock, SystemClock, VirtualClock } from '../../src/clock/clock';
import { JobScheduler, nextSlotAfter } from '../../src/clock/job-scheduler';

describe('JobScheduler on the virtual clock', () => {
  const start = Date.UTC(2026, 0, 1, 0, 0, 30);

  it('runs a job at every boundary of its period as the clock advances', async () => {
    const clock = new VirtualClock(start);
    const scheduler = new JobScheduler(clock);
    const runs: string[] = [];
    scheduler.register({ name: 'tick', everyMs: 60_000, run: async (at) => void runs.push(at.toISOString()) });
    await clock.advance(3 * 60_000);
    expect(runs).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']);
    await scheduler.stop();
  });

  it('keeps its schedule when a run is slow (no drift) and skips overlapping runs', async () => {
    const clock = new VirtualClock(start);
    const scheduler = new JobScheduler(clock);
    const runs: number[] = [];
    scheduler.register({
      name: 'slow',
      everyMs: 10_000,
      offsetMs: 5_000,
      run: async (at) => {
        runs.push(at.getTime() - start);
        await clock.sleep(12_000); // longer than the period
      },
    });
    await clock.advance(40_000);
    // Due at +5 s, +15 s, +25 s, +35 s (offset 5 s after each 10 s boundary); +15 s overlaps the
    // first run and is skipped; +25 s runs; +35 s overlaps it and is skipped.
    expect(runs).toEqual([5_000, 25_000]);
    await scheduler.stop();
  });

  it('waits for a job\'s asynchronous work before time moves on', async () => {
    const clock = new VirtualClock(start);
    const scheduler = new JobScheduler(clock);
    let finished = 0;
    scheduler.register({
      name: 'io',
      everyMs: 1_000,
      run: async () => {
        await new Promise((r) => setTimeout(r, 5));
        finished++;
      },
    });
    await clock.advance(5_000);
    expect(finished).toBe(5);
    await scheduler.stop();
  });

  it('keeps running after a job throws', async () => {
    const clock = new VirtualClock(start);
    const scheduler = new JobScheduler(clock);
    let calls = 0;
    scheduler.register({ name: 'flaky', everyMs: 1_000, run: async () => { calls++; throw new Error('boom'); } });
    await clock.advance(3_000);
    expect(calls).toBe(3);
    await scheduler.stop();
  });
});

/** A system-like clock whose timers fire a few ms before their time, as setTimeout may. */
class EarlyFiringClock extends Clock {
  constructor(
    readonly virtual: VirtualClock,
    private readonly earlyMs: number,
  ) {
    super();
  }
  now(): Date {
    return this.virtual.now();
  }
  sleep(ms: number): Promise<void> {
    return this.virtual.sleep(ms);
  }
  schedule(atMs: number, fn: () => void): () => void {
    const early = atMs - this.earlyMs;
    return this.virtual.schedule(early > this.virtual.nowMs() ? early : atMs, fn);
  }
  override track<T>(work: () => Promise<T>): Promise<T> {
    return this.virtual.track(work);
  }
}

describe('JobScheduler on a clock that fires early', () => {
  it('runs each slot once, arming the next slot after the one that fired', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0, 30);
    const clock = new EarlyFiringClock(new VirtualClock(start), 3);
    const scheduler = new JobScheduler(clock);
    const runs: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    scheduler.register({
      name: 'round',
      everyMs: 60_000,
      run: async (at) => {
        runs.push(at.toISOString());
        await clock.sleep(1_000);
      },
    });
    await clock.virtual.advance(3 * 60_000);
    expect(runs).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z']);
    expect(warn).not.toHaveBeenCalled(); // "still running, skipping" only means a real overrun
    warn.mockRestore();
    await scheduler.stop();
  });

  it('finds the first slot strictly after a time, whatever the clock read when it fired', () => {
    expect(nextSlotAfter({ everyMs: 60_000, offsetMs: 5_000 }, Date.UTC(2026, 0, 1, 0, 0, 5))).toBe(Date.UTC(2026, 0, 1, 0, 1, 5));
    expect(nextSlotAfter({ everyMs: 60_000 }, Date.UTC(2026, 0, 1, 0, 0, 59, 997))).toBe(Date.UTC(2026, 0, 1, 0, 1, 0));
  });
});

describe('JobScheduler on the system clock', () => {
  it('lists each armed job in SchedulerRegistry, and deleting it there stops the job', async () => {
    const registry = new SchedulerRegistry();
    const scheduler = new JobScheduler(new SystemClock(), registry);
    let runs = 0;
    scheduler.register({ name: 'fast', everyMs: 40, run: async () => void runs++ });
    expect(registry.getTimeouts()).toEqual(['fast']);
    await waitFor(() => runs >= 2, 2_000);
    expect(registry.getTimeouts()).toEqual(['fast']); // re-armed under the same name after each run
    registry.deleteTimeout('fast');
    const stoppedAt = runs;
    await new Promise((r) => setTimeout(r, 200));
    expect(runs).toBe(stoppedAt);
    await scheduler.stop();
  });

  it('removes its timers from the registry when it stops', async () => {
    const registry = new SchedulerRegistry();
    const scheduler = new JobScheduler(new SystemClock(), registry);
    scheduler.register({ name: 'a', everyMs: 60_000, run: async () => undefined });
    scheduler.register({ name: 'b', everyMs: 60_000, offsetMs: 1_000, run: async () => undefined });
    expect(registry.getTimeouts().sort()).toEqual(['a', 'b']);
    scheduler.unregister('a');
    expect(registry.getTimeouts()).toEqual(['b']);
    await scheduler.stop();
    expect(registry.getTimeouts()).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
