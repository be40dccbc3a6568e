/**
 * Which tick instants have finished, so a predict round can wait for the tick of its own instant.
 * Ticks fall on epoch-aligned multiples of the tick period. `awaited(atMs)` answers the tick a
 * round at `atMs` depends on: the one due at the latest tick instant at or before `atMs`.
 * Undefined means there is nothing to wait for (that tick finished, or it never ran and none is
 * running); otherwise the promise settles when that tick finishes (for a tick skipped behind a
 * slow one: when the slow one finishes). Callers bound the wait themselves: a tick due at the
 * round's own instant may not have started yet, and may never start.
 *
 * @example
 *   const instants = new TickInstants(10_000);
 *   instants.awaited(20_000);        // a promise: the tick of 20 s has not finished yet
 *   instants.started(20_000); instants.finished(20_000); // that promise settles
 *   instants.awaited(25_000);        // undefined: the tick of 20 s is done
 */
export class TickInstants {
  private finishedThroughMs = -Infinity;
  private running: { atMs: number; done: Promise<void> } | null = null;
  private readonly pending = new Map<number, { promise: Promise<void>; resolve: () => void }>();
  private finishRunning: (() => void) | null = null;

  constructor(private readonly periodMs: number) {}

  /** The tick of `atMs` began. */
  started(atMs: number): void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.finishRunning?.();
    this.running = { atMs, done };
    this.finishRunning = finish;
  }

  /** The tick of `atMs` ended (succeeded, failed or timed out): releases every round waiting for it or for an earlier instant. */
  finished(atMs: number): void {
    this.finishedThroughMs = Math.max(this.finishedThroughMs, atMs);
    if (this.running?.atMs === atMs) {
      this.finishRunning?.();
      this.running = null;
      this.finishRunning = null;
    }
    for (const [instant, waiter] of this.pending) {
      if (instant > atMs) continue;
      waiter.resolve();
      this.pending.delete(instant);
    }
  }

  /** What a round at `atMs` waits for before calling the models (see the class comment). */
  awaited(atMs: number): Promise<void> | undefined {
    const dueMs = Math.floor(atMs / this.periodMs) * this.periodMs;
    if (dueMs <= this.finishedThroughMs) return undefined;
    if (this.running?.atMs === dueMs) return this.running.done;
    // Its instant passed without that tick starting (skipped behind a slow one): wait for the one still running, if any.
    if (dueMs !== atMs) return this.running?.done;
    let waiter = this.pending.get(dueMs);
    if (!waiter) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      waiter = { promise, resolve };
      this.pending.set(dueMs, waiter);
    }
    return waiter.promise;
  }

  /** Drops the wait of a round at `atMs` (its deadline passed without the tick), so nothing is kept for a tick that never ran. */
  forget(atMs: number): void {
    const dueMs = Math.floor(atMs / this.periodMs) * this.periodMs;
    this.pending.get(dueMs)?.resolve();
    this.pending.delete(dueMs);
  }
}
