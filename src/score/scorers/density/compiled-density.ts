import { LeafDistribution, NormalLeaf } from './leaf-distributions';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * A parsed density spec, flattened to a weighted sum of leaf distributions (nested mixtures
 * multiply their normalised weights down to the leaves). Mixtures of normals — the common case —
 * are kept as plain arrays of means and sigmas and evaluated without any leaf object.
 *
 * @example
 *   const d = parseDensitySpec({ type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } });
 *   if (d instanceof CompiledDensity) d.pdf(0); // 0.3989422804014327
 */
export class CompiledDensity {
  private leafCache: LeafDistribution[] | null;

  private constructor(
    leaves: LeafDistribution[] | null,
    /** Leaf weights: > 0, summing to 1. */
    readonly weights: readonly number[],
    private readonly means: readonly number[] | null,
    private readonly sigmas: readonly number[] | null,
  ) {
    this.leafCache = leaves;
  }

  /** A mixture of normals N(means[i], sigmas[i]^2) with weights > 0 summing to 1. */
  static ofNormals(means: readonly number[], sigmas: readonly number[], weights: readonly number[]): CompiledDensity {
    return new CompiledDensity(null, weights, means, sigmas);
  }

  /**
   * A mixture of `size` normals to be refilled (`refillNormals`) step after step: how
   * NormalMixturePlan compiles a payload's steps without an object per step.
   */
  static normalScratch(size: number): CompiledDensity {
    // Doubles from the start (packed double arrays, as parsing builds them).
    const filled = () => Array.from({ length: size }, () => 0.5);
    return new CompiledDensity(null, filled(), filled(), filled());
  }

  /**
   * Makes this scratch density (`normalScratch`) the mixture of the first `weights.length` (its
   * size) normals of the arrays, forgetting any leaf objects made for the previous one.
   */
  refillNormals(means: ArrayLike<number>, sigmas: ArrayLike<number>, weights: ArrayLike<number>): void {
    const ownMeans = this.means as number[] | null;
    const ownSigmas = this.sigmas as number[] | null;
    if (ownMeans === null || ownSigmas === null) throw new Error('refillNormals: not a normal mixture');
    const ownWeights = this.weights as number[];
    for (let i = 0; i < ownWeights.length; i++) {
      ownMeans[i] = means[i];
      ownSigmas[i] = sigmas[i];
      ownWeights[i] = weights[i];
    }
    this.leafCache = null;
  }

  /** A mixture of arbitrary leaves with weights > 0 summing to 1. */
  static ofLeaves(leaves: LeafDistribution[], weights: readonly number[]): CompiledDensity {
    return new CompiledDensity(leaves, weights, null, null);
  }

  get isNormalMixture(): boolean {
    return this.means !== null;
  }

  /** The leaf distributions, `leaves[i]` with weight `weights[i]`. */
  get leaves(): readonly LeafDistribution[] {
    if (this.leafCache === null) {
      const means = this.means!;
      const sigmas = this.sigmas!;
      this.leafCache = means.map((mu, i) => new NormalLeaf(mu, sigmas[i]));
    }
    return this.leafCache;
  }

  /** The normal components when `isNormalMixture`, else null. */
  normalComponents(): { means: readonly number[]; sigmas: readonly number[]; weights: readonly number[] } | null {
    if (this.means === null || this.sigmas === null) return null;
    return { means: this.means, sigmas: this.sigmas, weights: this.weights };
  }

  pdf(x: number): number {
    const means = this.means;
    const weights = this.weights;
    if (means !== null) {
      const sigmas = this.sigmas!;
      let sum = 0;
      for (let i = 0; i < means.length; i++) {
        // Through z = (x - mu) / sigma so that huge sigmas or offsets do not overflow.
        const z = (x - means[i]) / sigmas[i];
        sum += (weights[i] / sigmas[i]) * Math.exp(-0.5 * z * z);
      }
      return sum * INV_SQRT_2PI;
    }
    const leaves = this.leafCache!;
    let sum = 0;
    for (let i = 0; i < leaves.length; i++) sum += weights[i] * leaves[i].pdf(x);
    return sum;
  }

  /** ln pdf(x), by log-sum-exp when the pdf underflows so far tails keep a finite value. */
  logPdf(x: number): number {
    const p = this.pdf(x);
    if (p > 1e-280 && p < Infinity) return Math.log(p);
    const leaves = this.leaves;
    let max = -Infinity;
    const logs = new Array<number>(leaves.length);
    for (let i = 0; i < leaves.length; i++) {
      const l = Math.log(this.weights[i]) + leaves[i].logPdf(x);
      logs[i] = l;
      if (l > max) max = l;
    }
    if (max === -Infinity || max === Infinity || Number.isNaN(max)) return max;
    let sum = 0;
    for (const l of logs) sum += Math.exp(l - max);
    return max + Math.log(sum);
  }

  cdf(x: number): number {
    const leaves = this.leaves;
    let sum = 0;
    for (let i = 0; i < leaves.length; i++) sum += this.weights[i] * leaves[i].cdf(x);
    return sum > 1 ? 1 : sum;
  }
}
