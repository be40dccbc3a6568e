/**
 * How many models may be connecting and in Setup at once, across one coordinator. An
 * orchestrator `init` of 10,000 models would otherwise open 10,000 connections and Setups in
 * the same instant: the coordinator's own burst then makes connects and Setups miss their
 * deadlines, and models are given up (CONNECTION_FAILED) for the coordinator's fault. A runner
 * holds a slot for one attempt (connect + Setup RPC) and gives it back before its backoff, so
 * a model that keeps failing never blocks the others. Waiting runners get slots in order.
 *
 * @example
 *   const slots = new SetupSlots(256);
 *   const release = await slots.acquire();
 *   try { await connectAndSetup(); } finally { release(); }
 */
export class SetupSlots {
  private inUse = 0;
  private readonly waiting: Array<() => void> = [];
  private head = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`setup concurrency must be a positive integer, got ${limit}`);
  }

  /** A pool that never makes anyone wait. */
  static unbounded(): SetupSlots {
    return new SetupSlots(Number.MAX_SAFE_INTEGER);
  }

  /** Resolves with the function that gives the slot back (a second call does nothing). */
  acquire(): Promise<() => void> {
    if (this.inUse < this.limit) {
      this.inUse += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((granted) => this.waiting.push(() => granted(this.releaser())));
  }

  get active(): number {
    return this.inUse;
  }

  get queued(): number {
    return this.waiting.length - this.head;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOver();
    };
  }

  /** A released slot goes straight to the longest-waiting runner, if any. */
  private handOver(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head];
      this.head += 1;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
      return;
    }
    this.inUse -= 1;
  }
}
