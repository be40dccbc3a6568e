import { CompiledDensity } from '../density/compiled-density';

/**
 * CRPS of any compiled density at observation y by adaptive Gauss–Kronrod (7/15) integration of
 * `∫ (F(z) - 1[z >= y])^2 dz`, split at y, at every leaf's location, at ±1, 4, 10, 40 scales from
 * it and at the support bounds, with the two infinite tails mapped onto [0, 1).
 * Relative accuracy ~1e-10. Returns Infinity when a leaf's tail is too heavy for a finite CRPS
 * (t with df <= 1/2, pareto with b <= 1/2, f with dfd <= 1) and NaN if the integral does not settle.
 *
 * @example integratedCrps(laplaceDensity, 0.3)
 */
export function integratedCrps(density: CompiledDensity, y: number): number {
  for (const leaf of density.leaves) if (!leaf.hasFiniteCrps) return Infinity;
  const breakpoints = collectBreakpoints(density, y);
  const tailScale = Math.max(...density.leaves.map((leaf) => leaf.scale));
  const integrand = (z: number): number => {
    const f = density.cdf(z);
    return z < y ? f * f : (1 - f) * (1 - f);
  };
  const left = breakpoints[0];
  const right = breakpoints[breakpoints.length - 1];
  // Tails: z = left - s t / (1 - t) and z = right + s t / (1 - t), dz = s / (1 - t)^2 dt.
  const leftTail = (t: number): number => {
    const u = 1 - t;
    return u === 0 ? 0 : (integrand(left - (tailScale * t) / u) * tailScale) / (u * u);
  };
  const rightTail = (t: number): number => {
    const u = 1 - t;
    return u === 0 ? 0 : (integrand(right + (tailScale * t) / u) * tailScale) / (u * u);
  };
  const integrator = new AdaptiveIntegrator();
  integrator.add(leftTail, 0, 1);
  for (let i = 1; i < breakpoints.length; i++) integrator.add(integrand, breakpoints[i - 1], breakpoints[i]);
  integrator.add(rightTail, 0, 1);
  return integrator.run(1e-11, 4000);
}

const SCALE_OFFSETS = [-40, -10, -4, -1, 0, 1, 4, 10, 40];

function collectBreakpoints(density: CompiledDensity, y: number): number[] {
  const points = [y];
  for (const leaf of density.leaves) {
    const { lower, upper } = leaf;
    for (const k of SCALE_OFFSETS) {
      const p = leaf.loc + k * leaf.scale;
      if (p > lower && p < upper && Number.isFinite(p)) points.push(p);
    }
    if (Number.isFinite(lower)) points.push(lower);
    if (Number.isFinite(upper)) points.push(upper);
  }
  points.sort((a, b) => a - b);
  const distinct: number[] = [];
  for (const p of points) if (distinct.length === 0 || p > distinct[distinct.length - 1]) distinct.push(p);
  return distinct;
}

// 15-point Kronrod nodes (positive half, descending) and weights; Gauss 7-point weights on the odd nodes.
const XGK = [
  0.991455371120812639, 0.949107912342758525, 0.864864423359769073, 0.741531185599394440, 0.586087235467691130,
  0.405845151377397167, 0.207784955007898468, 0,
];
const WGK = [
  0.022935322010529225, 0.063092092629978553, 0.104790010322250184, 0.140653259715525919, 0.169004726639267903,
  0.190350578064785410, 0.204432940075298892, 0.209482141084727828,
];
const WG = [0.129484966168869693, 0.279705391489276668, 0.381830050505118945, 0.417959183673469388];

interface Interval {
  f: (x: number) => number;
  a: number;
  b: number;
  value: number;
  error: number;
}

/** Global adaptive quadrature: keeps bisecting the interval with the largest error estimate. */
class AdaptiveIntegrator {
  private readonly intervals: Interval[] = [];

  add(f: (x: number) => number, a: number, b: number): void {
    if (b > a) this.intervals.push(this.evaluate(f, a, b));
  }

  run(relativeTolerance: number, maxIntervals: number): number {
    for (;;) {
      let total = 0;
      let error = 0;
      let worst = 0;
      for (let i = 0; i < this.intervals.length; i++) {
        total += this.intervals[i].value;
        error += this.intervals[i].error;
        if (this.intervals[i].error > this.intervals[worst].error) worst = i;
      }
      if (!Number.isFinite(total)) return NaN;
      if (error <= relativeTolerance * Math.abs(total) || error < 1e-300) return total;
      if (this.intervals.length >= maxIntervals) return error <= 1e-6 * Math.abs(total) ? total : NaN;
      const { f, a, b } = this.intervals[worst];
      const mid = 0.5 * (a + b);
      if (!(mid > a && mid < b)) return total; // cannot split further in double precision
      this.intervals[worst] = this.evaluate(f, a, mid);
      this.intervals.push(this.evaluate(f, mid, b));
    }
  }

  private evaluate(f: (x: number) => number, a: number, b: number): Interval {
    const center = 0.5 * (a + b);
    const half = 0.5 * (b - a);
    const fc = f(center);
    let kronrod = fc * WGK[7];
    let gauss = fc * WG[3];
    for (let j = 0; j < 7; j++) {
      const dx = half * XGK[j];
      const sum = f(center - dx) + f(center + dx);
      kronrod += WGK[j] * sum;
      if (j % 2 === 1) gauss += WG[(j - 1) / 2] * sum;
    }
    return { f, a, b, value: kronrod * half, error: Math.abs((kronrod - gauss) * half) };
  }
}
