/**
 * Deterministic pseudo-random numbers in [0, 1) (mulberry32): small, seeded, good enough for
 * the synthetic rounds of `check` (two checks of one file draw the same), comparable benchmark runs
 * and reproducible fuzz cases.
 *
 * @example
 *   const next = seededRandom(42);
 *   next(); // the same sequence on every run
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
