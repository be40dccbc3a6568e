import { erf, normalPdf } from '../density/special-functions';

const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * CRPS of a normal distribution N(mu, sigma^2) at observation y (Gneiting & Raftery 2007):
 * `sigma * (z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi))`, `z = (y - mu) / sigma`.
 *
 * @example normalCrps(0, 1, 0) // 0.2336949772707...
 */
export function normalCrps(mu: number, sigma: number, y: number): number {
  const z = (y - mu) / sigma;
  return sigma * (z * erf(z * Math.SQRT1_2) + 2 * normalPdf(z) - INV_SQRT_PI);
}

/** E|X| for X ~ N(m, s^2): `2 s phi(m/s) + m (2 Phi(m/s) - 1)`. */
function expectedAbsolute(m: number, s: number): number {
  const z = m / s;
  return 2 * s * normalPdf(z) + m * erf(z * Math.SQRT1_2);
}

/**
 * CRPS of a mixture of normals at y, closed form (Grimit et al. 2006):
 * `sum_i w_i E|X_i - y| - 1/2 sum_ij w_i w_j E|X_i - X_j|`, with `X_i - X_j ~ N(mu_i - mu_j, s_i^2 + s_j^2)`.
 * Weights must sum to 1. O(n^2) in the number of components.
 */
export function normalMixtureCrps(
  means: readonly number[],
  sigmas: readonly number[],
  weights: readonly number[],
  y: number,
): number {
  const n = means.length;
  if (n === 1) return normalCrps(means[0], sigmas[0], y);
  let toObservation = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    toObservation += weights[i] * expectedAbsolute(y - means[i], sigmas[i]);
    // Diagonal: X_i - X_i' ~ N(0, 2 s_i^2) so E|X_i - X_i'| = 2 s_i / sqrt(pi); halved here.
    spread += weights[i] * weights[i] * sigmas[i] * INV_SQRT_PI;
    for (let j = i + 1; j < n; j++) {
      spread += weights[i] * weights[j] * expectedAbsolute(means[i] - means[j], Math.hypot(sigmas[i], sigmas[j]));
    }
  }
  // spread currently holds 1/2 sum_i w_i^2 D_ii + sum_{i<j} w_i w_j D_ij = 1/2 sum_ij w_i w_j D_ij.
  return toObservation - spread;
}
