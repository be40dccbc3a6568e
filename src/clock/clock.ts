import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The only source of "now" in the app. Services inject `Clock` and never call `Date.now()`.
 *
 * @example
 *   constructor(private readonly clock: Clock) {}
 *   const performedAt = this.clock.now();
 */
export abstract class Clock {
  abstract now(): Date;

  nowMs(): number {
    return this.now().getTime();
  }

  /** Resolves after `ms` of this clock's time (virtual clocks resolve when advanced past it). */
  abstract sleep(ms: number): Promise<void>;

  /** Calls `fn` once at `atMs` of this clock's time; returns a cancel function. */
  abstract schedule(atMs: number, fn: () => void): () => void;

  /**
   * Waits for `promise` to settle, but no later than `untilMs` of this clock's time: true when it
   * settled, false at the deadline. On a virtual clock the waiting work counts as waiting for
   * time (like a sleep) until either happens, so time can move on to the timer that ends the wait.
   *
   * @example
   *   const ticked = await clock.settledBy(tickOfThisInstant, scheduledAtMs + 10_000);
   */
  settledBy(promise: Promise<unknown>, untilMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const cancel = this.schedule(untilMs, () => resolve(false));
      const done = () => {
        cancel();
        resolve(true);
      };
      promise.then(done, done);
    });
  }

  /** Runs work started by a timer; a virtual clock waits for it before moving time on. */
  track<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  override nowMs(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref?.());
  }

  schedule(atMs: number, fn: () => void): () => void {
    // setTimeout caps at ~24.8 days; re-arm for longer delays.
    const MAX = 2 ** 31 - 1;
    let handle: NodeJS.Timeout;
    const arm = () => {
      const delay = atMs - Date.now();
      handle = setTimeout(delay > MAX ? arm : fn, Math.min(Math.max(0, delay), MAX));
    };
    arm();
    return () => clearTimeout(handle);
  }
}

interface TrackedWork {
  done: boolean;
  /** Sleeps on this clock the work is waiting for: while > 0 it waits for time, not for I/O. */
  parked: number;
  promise: Promise<unknown>;
}

interface VirtualTimer {
  atMs: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that only moves when a test (or a replay) advances it. Timers fire in time order,
 * and `advance` waits for the work they start, so a multi-day competition runs in seconds.
 */
export class VirtualClock extends Clock {
  private current: number;
  private timers: VirtualTimer[] = [];
  private seq = 0;
  private readonly inFlight = new Set<TrackedWork>();
  private readonly context = new AsyncLocalStorage<TrackedWork>();
  /** Wakes `drain` when tracked work finishes or parks (the only changes that can end its wait). */
  private wakers: Array<() => void> = [];

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    super();
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  override nowMs(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    const work = this.context.getStore();
    if (work) this.park(work);
    return new Promise((resolve) => {
      this.schedule(this.current + Math.max(0, ms), () => {
        if (work) work.parked--;
        resolve();
      });
    });
  }

  override async settledBy(promise: Promise<unknown>, untilMs: number): Promise<boolean> {
    const work = this.context.getStore();
    if (work) this.park(work);
    try {
      return await super.settledBy(promise, untilMs);
    } finally {
      if (work) work.parked--;
    }
  }

  schedule(atMs: number, fn: () => void): () => void {
    const timer = { atMs, seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way and settling the work each starts. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(targetMs: number): Promise<void> {
    for (;;) {
      const next = this.nextDue(targetMs);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.atMs);
      next.fn();
      await this.drain();
    }
    this.current = Math.max(this.current, targetMs);
    await this.drain();
  }

  /**
   * Waits until every tracked piece of work has finished or is waiting on this clock
   * (a sleep that only a later timer ends); I/O it awaits (database, sockets) is waited for.
   */
  private async drain(): Promise<void> {
    await settle();
    for (;;) {
      let busy = false;
      for (const w of this.inFlight) if (!w.done && w.parked === 0) busy = true;
      if (!busy) return;
      // Woken as soon as a piece of work finishes or parks; a wall-clock poll would add its
      // period to every timer whose work parks (a round waiting for its tick): 2 ms a time was
      // a quarter of a replay's wall time.
      await new Promise<void>((resolve) => this.wakers.push(resolve));
      await settle();
    }
  }

  private park(work: TrackedWork): void {
    work.parked++;
    this.notify();
  }

  private notify(): void {
    if (this.wakers.length === 0) return;
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  override track<T>(work: () => Promise<T>): Promise<T> {
    const tracked: TrackedWork = { done: false, parked: 0, promise: Promise.resolve() };
    const result = this.context.run(tracked, work);
    tracked.promise = result.then(
      () => undefined,
      () => undefined,
    );
    void tracked.promise.then(() => {
      tracked.done = true;
      this.inFlight.delete(tracked);
      this.notify();
    });
    this.inFlight.add(tracked);
    return result;
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  private nextDue(targetMs: number): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.timers) {
      if (t.atMs > targetMs) continue;
      if (!best || t.atMs < best.atMs || (t.atMs === best.atMs && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

/** Lets promise chains and I/O callbacks started by a timer run before the next timer fires. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
