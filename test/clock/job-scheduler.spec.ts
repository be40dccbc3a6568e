import { VirtualClock } from '../../src/clock/clock';
import { JobScheduler } from '../../src/clock/job-scheduler';

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
