/** One observation kept in memory: when, and the competition's value field at that time. */
export interface Observation {
  ts: number;
  value: number;
}

/**
 * The recent observations of one subject, sorted by time and bounded to `historyMs` behind the
 * newest one. Inserts may arrive out of order; a timestamp already held is ignored (the first
 * value wins, as in the database). Lookups are binary searches.
 *
 * @example
 *   const w = new PriceWindow(3_600_000);
 *   w.insert(60_000, 100); w.insert(120_000, 101);
 *   w.nearest(119_000, 5_000); // { ts: 120000, value: 101 }
 *   w.since(60_000);            // [{ ts: 120000, value: 101 }]
 */
export class PriceWindow {
  // Parallel arrays with a moving head: eviction advances `head`, compaction happens in bulk.
  private times: number[] = [];
  private values: number[] = [];
  private head = 0;

  constructor(readonly historyMs: number) {
    if (!(historyMs > 0)) throw new Error(`a price window needs a positive history (got ${historyMs})`);
  }

  get size(): number {
    return this.times.length - this.head;
  }

  newestTs(): number | null {
    return this.size === 0 ? null : this.times[this.times.length - 1];
  }

  oldestTs(): number | null {
    return this.size === 0 ? null : this.times[this.head];
  }

  /** Observations older than this are no longer held (and may exist in the database only). */
  coversFrom(): number | null {
    const newest = this.newestTs();
    return newest === null ? null : newest - this.historyMs;
  }

  /** Adds one observation; returns false when its timestamp was already held or is too old to keep. */
  insert(ts: number, value: number): boolean {
    const n = this.times.length;
    if (n === this.head || ts > this.times[n - 1]) {
      this.times.push(ts);
      this.values.push(value);
      this.evict();
      return true;
    }
    const newest = this.times[n - 1];
    if (ts < newest - this.historyMs) return false;
    const at = this.lowerBound(ts);
    if (at < n && this.times[at] === ts) return false;
    this.times.splice(at, 0, ts);
    this.values.splice(at, 0, value);
    return true;
  }

  /**
   * The observation closest in time to `ts`, or null when none lies within `maxDistanceMs`.
   * On a tie the earlier observation is used (it was known at `ts`).
   */
  nearest(ts: number, maxDistanceMs: number): Observation | null {
    if (this.size === 0) return null;
    const at = this.lowerBound(ts);
    let best = -1;
    let bestDistance = Infinity;
    if (at < this.times.length) {
      best = at;
      bestDistance = this.times[at] - ts;
    }
    if (at - 1 >= this.head && ts - this.times[at - 1] <= bestDistance) {
      best = at - 1;
      bestDistance = ts - this.times[at - 1];
    }
    if (best < 0 || bestDistance > maxDistanceMs) return null;
    return { ts: this.times[best], value: this.values[best] };
  }

  /** Observations with `ts > afterMs` (all of them when `afterMs` is undefined), oldest first. */
  since(afterMs?: number): Observation[] {
    const from = afterMs === undefined ? this.head : this.upperBound(afterMs);
    const out: Observation[] = new Array(Math.max(0, this.times.length - from));
    for (let i = from; i < this.times.length; i++) out[i - from] = { ts: this.times[i], value: this.values[i] };
    return out;
  }

  /** Observations with `fromMs <= ts <= toMs`, oldest first. */
  range(fromMs: number, toMs: number): Observation[] {
    const out: Observation[] = [];
    for (let i = this.lowerBound(fromMs); i < this.times.length && this.times[i] <= toMs; i++) {
      out.push({ ts: this.times[i], value: this.values[i] });
    }
    return out;
  }

  private evict(): void {
    const cutoff = this.times[this.times.length - 1] - this.historyMs;
    if (this.times[this.head] >= cutoff) return;
    this.head = this.lowerBound(cutoff);
    // Compact once the dead prefix dominates, so eviction stays amortised O(1) per insert.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  /** First index >= head whose time is >= ts. */
  private lowerBound(ts: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index >= head whose time is > ts. */
  private upperBound(ts: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
