import { LeafDistribution, NormalLeaf } from './leaf-distributions';

/**
 * A parsed density spec, flattened to a weighted sum of leaf distributions (nested mixtures
 * multiply their normalised weights down to the leaves). Mixtures of normals — the common case —
 * get a fast path with precomputed constants.
 *
 * @example
 *   const d = parseDensitySpec({ type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } });
 *   if (d instanceof CompiledDensity) d.pdf(0); // 0.3989422804014327
 */
export class CompiledDensity {
  /** Non-null when every leaf is a normal: parallel arrays of means, sigmas and pdf constants. */
  private readonly normalMeans: number[] | null = null;
  private readonly normalSigmas: number[] | null = null;
  private readonly normalCoefficients: number[] | null = null;
  private readonly normalInverseSigmas: number[] | null = null;

  /** `leaves[i]` has weight `weights[i]`; weights are > 0 and sum to 1. */
  constructor(
    readonly leaves: readonly LeafDistribution[],
    readonly weights: readonly number[],
  ) {
    if (leaves.every((leaf) => leaf instanceof NormalLeaf)) {
      this.normalMeans = leaves.map((leaf) => leaf.loc);
      this.normalSigmas = leaves.map((leaf) => leaf.scale);
      // Coefficient and z = (x - mu) / sigma computed through 1/sigma so huge sigmas do not overflow.
      this.normalInverseSigmas = leaves.map((leaf) => 1 / leaf.scale);
      this.normalCoefficients = leaves.map((leaf, i) => (weights[i] / Math.sqrt(2 * Math.PI)) * (1 / leaf.scale));
    }
  }

  get isNormalMixture(): boolean {
    return this.normalMeans !== null;
  }

  /** The normal components (mean, sigma, weight) when `isNormalMixture`, else null. */
  normalComponents(): { means: readonly number[]; sigmas: readonly number[]; weights: readonly number[] } | null {
    if (this.normalMeans === null || this.normalSigmas === null) return null;
    return { means: this.normalMeans, sigmas: this.normalSigmas, weights: this.weights };
  }

  pdf(x: number): number {
    const means = this.normalMeans;
    if (means !== null) {
      const coefficients = this.normalCoefficients!;
      const inverseSigmas = this.normalInverseSigmas!;
      let sum = 0;
      for (let i = 0; i < means.length; i++) {
        const z = (x - means[i]) * inverseSigmas[i];
        sum += coefficients[i] * Math.exp(-0.5 * z * z);
      }
      return sum;
    }
    let sum = 0;
    for (let i = 0; i < this.leaves.length; i++) sum += this.weights[i] * this.leaves[i].pdf(x);
    return sum;
  }

  /** ln pdf(x), by log-sum-exp when the pdf underflows so far tails keep a finite value. */
  logPdf(x: number): number {
    const p = this.pdf(x);
    if (p > 1e-280 && p < Infinity) return Math.log(p);
    let max = -Infinity;
    const logs = new Array<number>(this.leaves.length);
    for (let i = 0; i < this.leaves.length; i++) {
      const l = Math.log(this.weights[i]) + this.leaves[i].logPdf(x);
      logs[i] = l;
      if (l > max) max = l;
    }
    if (max === -Infinity || max === Infinity || Number.isNaN(max)) return max;
    let sum = 0;
    for (const l of logs) sum += Math.exp(l - max);
    return max + Math.log(sum);
  }

  cdf(x: number): number {
    let sum = 0;
    for (let i = 0; i < this.leaves.length; i++) sum += this.weights[i] * this.leaves[i].cdf(x);
    return sum > 1 ? 1 : sum;
  }

  /** Smallest and largest point of the support (may be infinite). */
  get support(): { lower: number; upper: number } {
    let lower = Infinity;
    let upper = -Infinity;
    for (const leaf of this.leaves) {
      if (leaf.lower < lower) lower = leaf.lower;
      if (leaf.upper > upper) upper = leaf.upper;
    }
    return { lower, upper };
  }
}
