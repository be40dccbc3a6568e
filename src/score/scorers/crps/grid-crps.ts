import { CompiledDensity } from '../density/compiled-density';

/**
 * The integration grid of crunch-synth's `crps_integral`: `numpy.linspace(tMin, tMax, numPoints)`
 * reproduced value for value (`i * step + start`, last point set to `tMax`), with `dt = ts[1] - ts[0]`.
 */
export class CrpsGrid {
  readonly points: Float64Array;
  readonly dt: number;
  /** Scratch buffers reused by every evaluation on this grid (single-threaded use only). */
  private readonly cdf: Float64Array;
  private readonly terms: Float64Array;

  constructor(tMin: number, tMax: number, numPoints: number) {
    const points = new Float64Array(numPoints);
    const step = (tMax - tMin) / (numPoints - 1);
    for (let i = 0; i < numPoints; i++) points[i] = i * step + tMin;
    points[numPoints - 1] = tMax;
    this.points = points;
    this.dt = points[1] - points[0];
    this.cdf = new Float64Array(numPoints);
    this.terms = new Float64Array(numPoints - 1);
  }

  /**
   * crunch-synth's grid CRPS of `density` at observation x: pdf on the grid, CDF = cumulative
   * sum * dt clipped to [0, 1], then `trapezoid((CDF - 1[t >= x])^2, t)` with numpy's pairwise summation.
   */
  crps(density: CompiledDensity, x: number): number {
    const { points, cdf, terms, dt } = this;
    const n = points.length;
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += density.pdf(points[i]);
      const c = running * dt;
      cdf[i] = c < 0 ? 0 : c > 1 ? 1 : c;
    }
    let previous = squaredGap(cdf[0], points[0], x);
    for (let i = 1; i < n; i++) {
      const current = squaredGap(cdf[i], points[i], x);
      terms[i - 1] = ((points[i] - points[i - 1]) * (current + previous)) / 2;
      previous = current;
    }
    return pairwiseSum(terms, 0, n - 1);
  }
}

function squaredGap(cdf: number, t: number, x: number): number {
  const gap = cdf - (t >= x ? 1 : 0);
  return gap * gap;
}

/** numpy's pairwise summation (`pairwise_sum` in umath loops), so sums match numpy bit for bit. */
function pairwiseSum(values: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i];
    return sum;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = values[start + j];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}
