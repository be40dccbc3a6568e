import type { ScoreWindowDefinition } from '../config/competition/competition.types';

/**
 * The time geometry of rolling windows kept in `score_buckets`.
 *
 * Scores are summed per model, parameter set and bucket of `resolvable_at`. A window of W seconds
 * at time `now` is the set of buckets from the one containing `now - W` up to the current one, i.e.
 * predictions with `resolvable_at` in `[floor((now - W) / B) * B, now]`. It therefore spans between
 * W and W + B (exactly W, like the seed's `resolvable_at >= now - W`, when `now` is on a bucket
 * boundary). The bucket size B is the largest divisor of every window length that is at most
 * 1/24 of the smallest window (1 hour for the seed's 1/3/7-day windows), so every window is a whole
 * number of buckets and the approximation is at most 1/24 of the smallest window.
 *
 * @example
 *   const b = new WindowBuckets([{ name: 'recent', seconds: 86400 }]);
 *   b.bucketMs; // 3_600_000
 *   b.windowStartMs(Date.UTC(2026, 0, 2, 12, 30), 86400); // Date.UTC(2026, 0, 1, 12)
 */
export class WindowBuckets {
  readonly bucketMs: number;

  constructor(readonly windows: readonly ScoreWindowDefinition[]) {
    if (windows.length === 0) throw new Error('scoring needs at least one window');
    this.bucketMs = WindowBuckets.bucketSecondsFor(windows) * 1000;
  }

  static bucketSecondsFor(windows: readonly ScoreWindowDefinition[]): number {
    const lengths = windows.map((w) => w.seconds);
    for (const w of windows) {
      if (!Number.isInteger(w.seconds) || w.seconds < 1) throw new Error(`window "${w.name}" must be a positive whole number of seconds, got ${w.seconds}`);
    }
    const common = lengths.reduce(gcd);
    const target = Math.max(1, Math.floor(Math.min(...lengths) / 24));
    for (let d = Math.min(target, common); d >= 1; d--) if (common % d === 0) return d;
    return 1;
  }

  bucketStartMs(ms: number): number {
    return Math.floor(ms / this.bucketMs) * this.bucketMs;
  }

  /** First instant (a bucket start) a window of `seconds` covers at `nowMs`. */
  windowStartMs(nowMs: number, seconds: number): number {
    return this.bucketStartMs(nowMs - seconds * 1000);
  }

  longestWindowSeconds(): number {
    return Math.max(...this.windows.map((w) => w.seconds));
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
