/**
 * CRPS of the empirical distribution of an ensemble at observation y, O(n log n):
 * `(1/n) sum |x_i - y| - (1/n^2) sum_i (2i - n - 1) x_(i)` with `x_(1) <= ... <= x_(n)`,
 * which equals `E|X - y| - 1/2 E|X - X'|` for X, X' drawn from the members.
 *
 * `members` is sorted in place (pass a scratch copy if the order matters).
 *
 * @example ensembleCrps(Float64Array.of(1, 2, 3), 2) // 0.2222222222222222
 */
export function ensembleCrps(members: Float64Array, y: number): number {
  const n = members.length;
  members.sort();
  let toObservation = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    const x = members[i];
    toObservation += Math.abs(x - y);
    spread += (2 * (i + 1) - n - 1) * x;
  }
  return toObservation / n - spread / (n * n);
}
