import { VirtualClock } from '../../src/clock/clock';

/** Lets `turns` turns of the event loop pass: work that is busy without waiting on the clock. */
async function eventLoopTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('VirtualClock.advance and the work its timers start', () => {
  it('waits for a timer\'s work that awaits I/O before it fires the next timer', async () => {
    const clock = new VirtualClock(0);
    const order: string[] = [];
    clock.schedule(1_000, () => void clock.track(async () => (await new Promise((resolve) => setTimeout(resolve, 30)), order.push('first work done'))));
    clock.schedule(1_001, () => void order.push('next timer'));
    await clock.advance(2_000);
    expect(order).toEqual(['first work done', 'next timer']);
  });

  it('moves on as soon as the work parks on a sleep of the clock, without polling the wall clock', async () => {
    const clock = new VirtualClock(0);
    const resumedAt: number[] = [];
    // Busy for longer than the clock's own settling turns, then parked until 5 s later.
    clock.schedule(1_000, () => void clock.track(async () => (await eventLoopTurns(50), await clock.sleep(5_000), resumedAt.push(clock.nowMs()))));
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    try {
      await clock.advance(10_000);
      expect(setTimeoutSpy).not.toHaveBeenCalled();
    } finally {
      setTimeoutSpy.mockRestore();
    }
    expect(resumedAt).toEqual([6_000]);
  });

  it('waits for work still running after a timer it parked on has fired', async () => {
    const clock = new VirtualClock(0);
    const order: string[] = [];
    clock.schedule(1_000, () => void clock.track(async () => (await clock.sleep(10), await eventLoopTurns(50), order.push('work after its sleep'))));
    clock.schedule(1_020, () => void order.push('later timer'));
    await clock.advance(2_000);
    expect(order).toEqual(['work after its sleep', 'later timer']);
  });
});
