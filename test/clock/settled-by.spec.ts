import { VirtualClock } from '../../src/clock/clock';

describe('Clock.settledBy on the virtual clock', () => {
  it('lets time move on to the timer that ends the wait, and then waits for the work that follows', async () => {
    const clock = new VirtualClock(0);
    let release!: () => void;
    const tick = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    clock.schedule(1_000, () => void clock.track(async () => (order.push('round waits'), order.push(`settled ${await clock.settledBy(tick, 10_000)}`), await Promise.resolve(), order.push('round done'))));
    clock.schedule(1_000, () => void clock.track(async () => (order.push('tick'), release())));
    await clock.advance(1_000);
    expect(order).toEqual(['round waits', 'tick', 'settled true', 'round done']);
    expect(clock.pendingTimers()).toBe(0); // the deadline timer was cancelled
  });

  it('answers false at the deadline when the promise never settles', async () => {
    const clock = new VirtualClock(0);
    let result: boolean | undefined;
    void clock.settledBy(new Promise(() => undefined), 500).then((v) => (result = v));
    await clock.advance(499);
    expect(result).toBeUndefined();
    await clock.advance(1);
    expect(result).toBe(false);
  });
});
