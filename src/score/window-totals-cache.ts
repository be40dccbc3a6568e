import type { BucketIncrement } from './bucket-increments';
import type { WindowTotals } from './model-standing';

/** A write to the window tables, as `score_window_version` recorded it: the version it replaced and the one it set. */
export interface WindowVersionStep {
  previous: string | null;
  version: string;
}

/** Window totals and first scored buckets (model -> parameter set -> ms), as read together at one version. */
export interface WindowState {
  version: string;
  totals: WindowTotals[];
  coverage: Map<string, Map<string, number>>;
}

interface CachedState {
  version: string;
  /** First bucket of each window (the windows' order) the totals were read for. */
  starts: readonly number[];
  totals: Map<string, WindowTotals>;
  coverage: Map<string, Map<string, number>>;
}

/**
 * The window totals a scoring cycle last read, kept up to date with the cycle's own increments,
 * so that a cycle reads `score_buckets` again only when its windows start at other buckets (once
 * per bucket, an hour for the seed's windows) or when something else wrote to the window tables.
 *
 * Every write to `score_buckets` and `score_coverage` replaces `score_window_version` in its own
 * transaction. The cache holds the version its totals are at:
 * - a claim of this cycle whose write replaced exactly that version adds its increments here and
 *   moves the cache to the version it set (`apply`, after the claim committed);
 * - any other write (a void, a rescore, the retention job, another instance's cycle) leaves the
 *   table at a version the cache does not hold, and the next `lookup` misses.
 * Summing the increments here instead of re-reading the buckets can differ from a fresh sum in the
 * last bits of a float (addition is not associative), as a rescore's recomputation from the
 * predictions already does.
 *
 * @example
 *   const cached = cache.lookup(starts, await windows.version());
 *   const state = cached ?? (await windows.readState(nowMs, competition.scoring.windows, buckets));
 *   if (!cached) cache.remember(starts, state);
 *   // after each committed claim:
 *   cache.apply(increments, step);
 */
export class WindowTotalsCache {
  private state: CachedState | null = null;

  /** The cached totals when they were read for `starts` and the tables are still at `version`. */
  lookup(starts: readonly number[], version: string): Omit<WindowState, 'version'> | undefined {
    const s = this.state;
    if (s === null || s.version !== version || !sameStarts(s.starts, starts)) return undefined;
    return { totals: [...s.totals.values()], coverage: s.coverage };
  }

  /** Keeps `state`, read for windows starting at `starts`. */
  remember(starts: readonly number[], state: WindowState): void {
    this.state = {
      version: state.version,
      starts: [...starts],
      totals: new Map(state.totals.map((t) => [totalsKey(t.modelId, t.param), { ...t, totals: t.totals.map((w) => ({ ...w })) }])),
      coverage: new Map([...state.coverage].map(([model, params]) => [model, new Map(params)])),
    };
  }

  /**
   * A committed claim of this cycle: its increments are added when its write replaced the version
   * cached (nothing else wrote in between); otherwise the cache is dropped.
   */
  apply(increments: readonly BucketIncrement[], step: WindowVersionStep): void {
    const s = this.state;
    if (s === null) return;
    if (step.previous !== s.version) {
      this.state = null;
      return;
    }
    for (const inc of increments) {
      const key = totalsKey(inc.modelId, inc.param);
      let entry = s.totals.get(key);
      if (entry === undefined && s.starts.some((start) => inc.bucketStartMs >= start)) {
        entry = { modelId: inc.modelId, param: inc.param, totals: s.starts.map(() => ({ sum: 0, count: 0, failed: 0 })) };
        s.totals.set(key, entry);
      }
      if (entry !== undefined) {
        s.starts.forEach((start, i) => {
          if (inc.bucketStartMs < start) return;
          const t = entry!.totals[i];
          t.sum += inc.scoreSum;
          t.count += inc.scoreCount;
          t.failed += inc.failedCount;
        });
      }
      const params = s.coverage.get(inc.modelId) ?? new Map<string, number>();
      const first = params.get(inc.param);
      if (first === undefined || inc.bucketStartMs < first) params.set(inc.param, inc.bucketStartMs);
      s.coverage.set(inc.modelId, params);
    }
    s.version = step.version;
  }

  /** Forgets the totals (after a claim whose outcome is unknown). */
  clear(): void {
    this.state = null;
  }
}

function totalsKey(modelId: string, param: string): string {
  return `${modelId}\u0000${param}`;
}

function sameStarts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
