import {
  LN_SQRT_2PI,
  logBeta,
  logGamma,
  logGammaHalfRatio,
  normalCdf,
  regularizedBeta,
  regularizedGammaP,
} from './special-functions';

/**
 * One leaf of a density spec (a named distribution with its parameters), ready to evaluate.
 * All families use scipy's location/scale convention: `pdf(x) = f((x - loc) / scale) / scale`
 * with `f` the standard density of the family.
 *
 * @example
 *   const leaf = DISTRIBUTION_FAMILIES.get('norm')!.create([], 0, 2);
 *   leaf.pdf(0); // 0.19947114020071635
 */
export abstract class LeafDistribution {
  /** scipy family name (`norm` for the normal, whatever spelling the spec used). */
  abstract readonly family: string;
  /** Standardized support bounds; the support in x units is `loc + scale * [lower, upper]`. */
  protected abstract readonly standardLower: number;
  protected abstract readonly standardUpper: number;
  private readonly invScale: number;
  private readonly logScale: number;

  constructor(
    readonly loc: number,
    readonly scale: number,
  ) {
    this.invScale = 1 / scale;
    this.logScale = Math.log(scale);
  }

  /** Whether `∫ (F(z) - 1[z >= y])^2 dz` is finite (tails lighter than |z|^-1/2). */
  get hasFiniteCrps(): boolean {
    return true;
  }

  get lower(): number {
    return this.loc + this.scale * this.standardLower;
  }

  get upper(): number {
    return this.loc + this.scale * this.standardUpper;
  }

  pdf(x: number): number {
    return this.standardPdf((x - this.loc) * this.invScale) * this.invScale;
  }

  logPdf(x: number): number {
    return this.standardLogPdf((x - this.loc) * this.invScale) - this.logScale;
  }

  cdf(x: number): number {
    return this.standardCdf((x - this.loc) * this.invScale);
  }

  protected standardPdf(z: number): number {
    return Math.exp(this.standardLogPdf(z));
  }

  protected abstract standardLogPdf(z: number): number;
  protected abstract standardCdf(z: number): number;
}

/** c * ln(z) with the convention 0 * ln(0) = 0 (scipy's `xlogy`). */
function xlogy(c: number, z: number): number {
  return c === 0 ? 0 : c * Math.log(z);
}

const LN_2 = Math.LN2;
const LN_PI = Math.log(Math.PI);

export class NormalLeaf extends LeafDistribution {
  readonly family = 'norm';
  protected readonly standardLower = -Infinity;
  protected readonly standardUpper = Infinity;
  protected override standardPdf(z: number): number {
    return Math.exp(-0.5 * z * z - LN_SQRT_2PI);
  }
  protected standardLogPdf(z: number): number {
    return -0.5 * z * z - LN_SQRT_2PI;
  }
  protected standardCdf(z: number): number {
    return normalCdf(z);
  }
}

class StudentTLeaf extends LeafDistribution {
  readonly family = 't';
  protected readonly standardLower = -Infinity;
  protected readonly standardUpper = Infinity;
  private readonly logNorm: number;
  constructor(
    private readonly df: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logNorm = logGammaHalfRatio(df / 2) - 0.5 * (Math.log(df) + LN_PI);
  }
  override get hasFiniteCrps(): boolean {
    return this.df > 0.5;
  }
  protected standardLogPdf(z: number): number {
    return this.logNorm - 0.5 * (this.df + 1) * Math.log1p((z * z) / this.df);
  }
  protected standardCdf(z: number): number {
    const z2 = z * z;
    const nu = this.df;
    if (z2 < nu) {
      const half = 0.5 * regularizedBeta(z2 / (nu + z2), 0.5, nu / 2);
      return z < 0 ? 0.5 - half : 0.5 + half;
    }
    const tail = 0.5 * regularizedBeta(nu / (nu + z2), nu / 2, 0.5);
    return z < 0 ? tail : 1 - tail;
  }
}

class LaplaceLeaf extends LeafDistribution {
  readonly family = 'laplace';
  protected readonly standardLower = -Infinity;
  protected readonly standardUpper = Infinity;
  protected standardLogPdf(z: number): number {
    return -LN_2 - Math.abs(z);
  }
  protected standardCdf(z: number): number {
    return z < 0 ? 0.5 * Math.exp(z) : 1 - 0.5 * Math.exp(-z);
  }
}

class CauchyLeaf extends LeafDistribution {
  readonly family = 'cauchy';
  protected readonly standardLower = -Infinity;
  protected readonly standardUpper = Infinity;
  protected standardLogPdf(z: number): number {
    return -LN_PI - Math.log1p(z * z);
  }
  protected standardCdf(z: number): number {
    // atan(-1/z)/pi keeps the left tail accurate where 0.5 + atan(z)/pi cancels.
    return z < -1 ? Math.atan(-1 / z) / Math.PI : 0.5 + Math.atan(z) / Math.PI;
  }
}

class LogNormalLeaf extends LeafDistribution {
  readonly family = 'lognorm';
  protected readonly standardLower = 0;
  protected readonly standardUpper = Infinity;
  private readonly logS: number;
  constructor(
    private readonly s: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logS = Math.log(s);
  }
  protected standardLogPdf(z: number): number {
    if (!(z > 0)) return -Infinity;
    const lz = Math.log(z);
    const u = lz / this.s;
    return -0.5 * u * u - LN_SQRT_2PI - this.logS - lz;
  }
  protected standardCdf(z: number): number {
    return z > 0 ? normalCdf(Math.log(z) / this.s) : 0;
  }
}

class ExponentialLeaf extends LeafDistribution {
  readonly family = 'expon';
  protected readonly standardLower = 0;
  protected readonly standardUpper = Infinity;
  protected standardLogPdf(z: number): number {
    return z >= 0 ? -z : -Infinity;
  }
  protected standardCdf(z: number): number {
    return z > 0 ? -Math.expm1(-z) : 0;
  }
}

class GammaLeaf extends LeafDistribution {
  readonly family = 'gamma';
  protected readonly standardLower = 0;
  protected readonly standardUpper = Infinity;
  private readonly logGammaA: number;
  constructor(
    private readonly a: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logGammaA = logGamma(a);
  }
  protected standardLogPdf(z: number): number {
    if (z < 0) return -Infinity;
    return xlogy(this.a - 1, z) - z - this.logGammaA;
  }
  protected standardCdf(z: number): number {
    return regularizedGammaP(this.a, z);
  }
}

class BetaLeaf extends LeafDistribution {
  readonly family = 'beta';
  protected readonly standardLower = 0;
  protected readonly standardUpper = 1;
  private readonly logBetaAB: number;
  constructor(
    private readonly a: number,
    private readonly b: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logBetaAB = logBeta(a, b);
  }
  protected standardLogPdf(z: number): number {
    if (z < 0 || z > 1) return -Infinity;
    return xlogy(this.a - 1, z) + (this.b === 1 ? 0 : (this.b - 1) * Math.log1p(-z)) - this.logBetaAB;
  }
  protected standardCdf(z: number): number {
    return regularizedBeta(z, this.a, this.b);
  }
}

class WeibullMinLeaf extends LeafDistribution {
  readonly family = 'weibull_min';
  protected readonly standardLower = 0;
  protected readonly standardUpper = Infinity;
  private readonly logC: number;
  constructor(
    private readonly c: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logC = Math.log(c);
  }
  protected standardLogPdf(z: number): number {
    if (z < 0) return -Infinity;
    return this.logC + xlogy(this.c - 1, z) - Math.pow(z, this.c);
  }
  protected standardCdf(z: number): number {
    return z > 0 ? -Math.expm1(-Math.pow(z, this.c)) : 0;
  }
}

class WeibullMaxLeaf extends LeafDistribution {
  readonly family = 'weibull_max';
  protected readonly standardLower = -Infinity;
  protected readonly standardUpper = 0;
  private readonly logC: number;
  constructor(
    private readonly c: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logC = Math.log(c);
  }
  protected standardLogPdf(z: number): number {
    if (z > 0) return -Infinity;
    return this.logC + xlogy(this.c - 1, -z) - Math.pow(-z, this.c);
  }
  protected standardCdf(z: number): number {
    return z < 0 ? Math.exp(-Math.pow(-z, this.c)) : 1;
  }
}

class ChiLeaf extends LeafDistribution {
  readonly family = 'chi';
  protected readonly standardLower = 0;
  protected readonly standardUpper = Infinity;
  private readonly logNorm: number;
  constructor(
    private readonly df: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logNorm = (1 - df / 2) * LN_2 - logGamma(df / 2);
  }
  protected standardLogPdf(z: number): number {
    if (z < 0) return -Infinity;
    return this.logNorm + xlogy(this.df - 1, z) - 0.5 * z * z;
  }
  protected standardCdf(z: number): number {
    return z > 0 ? regularizedGammaP(this.df / 2, 0.5 * z * z) : 0;
  }
}

class ChiSquaredLeaf extends LeafDistribution {
  readonly family = 'chi2';
  protected readonly standardLower = 0;
  protected readonly standardUpper = Infinity;
  private readonly logNorm: number;
  constructor(
    private readonly df: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logNorm = -(df / 2) * LN_2 - logGamma(df / 2);
  }
  protected standardLogPdf(z: number): number {
    if (z < 0) return -Infinity;
    return this.logNorm + xlogy(this.df / 2 - 1, z) - 0.5 * z;
  }
  protected standardCdf(z: number): number {
    return z > 0 ? regularizedGammaP(this.df / 2, 0.5 * z) : 0;
  }
}

class RayleighLeaf extends LeafDistribution {
  readonly family = 'rayleigh';
  protected readonly standardLower = 0;
  protected readonly standardUpper = Infinity;
  protected standardLogPdf(z: number): number {
    if (z < 0) return -Infinity;
    return Math.log(z) - 0.5 * z * z;
  }
  protected standardCdf(z: number): number {
    return z > 0 ? -Math.expm1(-0.5 * z * z) : 0;
  }
}

class ParetoLeaf extends LeafDistribution {
  readonly family = 'pareto';
  protected readonly standardLower = 1;
  protected readonly standardUpper = Infinity;
  private readonly logB: number;
  constructor(
    private readonly b: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.logB = Math.log(b);
  }
  override get hasFiniteCrps(): boolean {
    return this.b > 0.5;
  }
  protected standardLogPdf(z: number): number {
    if (z < 1) return -Infinity;
    return this.logB - (this.b + 1) * Math.log(z);
  }
  protected standardCdf(z: number): number {
    return z > 1 ? -Math.expm1(-this.b * Math.log(z)) : 0;
  }
}

class FisherFLeaf extends LeafDistribution {
  readonly family = 'f';
  protected readonly standardLower = 0;
  protected readonly standardUpper = Infinity;
  private readonly logNorm: number;
  private readonly ratio: number;
  constructor(
    private readonly dfn: number,
    private readonly dfd: number,
    loc: number,
    scale: number,
  ) {
    super(loc, scale);
    this.ratio = dfn / dfd;
    this.logNorm = (dfn / 2) * Math.log(this.ratio) - logBeta(dfn / 2, dfd / 2);
  }
  override get hasFiniteCrps(): boolean {
    return this.dfd > 1;
  }
  protected standardLogPdf(z: number): number {
    if (z < 0) return -Infinity;
    return this.logNorm + xlogy(this.dfn / 2 - 1, z) - ((this.dfn + this.dfd) / 2) * Math.log1p(this.ratio * z);
  }
  protected standardCdf(z: number): number {
    if (!(z > 0)) return 0;
    const u = this.dfn * z;
    return regularizedBeta(u / (u + this.dfd), this.dfn / 2, this.dfd / 2);
  }
}

/** How to build one family from its validated parameters. */
export interface DistributionFamily {
  /** True for the normal (kept as plain numbers by the parser, evaluated in closed form). */
  readonly isNormal: boolean;
  /** Shape parameter names in the order `create` takes them; all must be finite and > 0. */
  readonly shapes: readonly string[];
  /** Location/scale parameter names: `loc`/`scale`, or `mu`/`sigma` for the statistics normal. */
  readonly location: string;
  readonly scale: string;
  create(shapes: readonly number[], loc: number, scale: number): LeafDistribution;
}

function family(shapes: string[], create: DistributionFamily['create'], isNormal = false): DistributionFamily {
  return { isNormal, shapes, location: 'loc', scale: 'scale', create };
}

/** The scipy families a `builtin`/`scipy` spec may name, with scipy's parameter names. */
export const DISTRIBUTION_FAMILIES: ReadonlyMap<string, DistributionFamily> = new Map([
  ['norm', family([], (_, loc, scale) => new NormalLeaf(loc, scale), true)],
  ['t', family(['df'], ([df], loc, scale) => new StudentTLeaf(df, loc, scale))],
  ['laplace', family([], (_, loc, scale) => new LaplaceLeaf(loc, scale))],
  ['cauchy', family([], (_, loc, scale) => new CauchyLeaf(loc, scale))],
  ['lognorm', family(['s'], ([s], loc, scale) => new LogNormalLeaf(s, loc, scale))],
  ['expon', family([], (_, loc, scale) => new ExponentialLeaf(loc, scale))],
  ['gamma', family(['a'], ([a], loc, scale) => new GammaLeaf(a, loc, scale))],
  ['beta', family(['a', 'b'], ([a, b], loc, scale) => new BetaLeaf(a, b, loc, scale))],
  ['weibull_min', family(['c'], ([c], loc, scale) => new WeibullMinLeaf(c, loc, scale))],
  ['weibull_max', family(['c'], ([c], loc, scale) => new WeibullMaxLeaf(c, loc, scale))],
  ['chi', family(['df'], ([df], loc, scale) => new ChiLeaf(df, loc, scale))],
  ['chi2', family(['df'], ([df], loc, scale) => new ChiSquaredLeaf(df, loc, scale))],
  ['rayleigh', family([], (_, loc, scale) => new RayleighLeaf(loc, scale))],
  ['pareto', family(['b'], ([b], loc, scale) => new ParetoLeaf(b, loc, scale))],
  ['f', family(['dfn', 'dfd'], ([dfn, dfd], loc, scale) => new FisherFLeaf(dfn, dfd, loc, scale))],
]);

/** `{"type":"statistics","name":"normal","params":{"mu","sigma"}}` (also accepted as a `builtin` name). */
export const STATISTICS_NORMAL: DistributionFamily = {
  isNormal: true,
  shapes: [],
  location: 'mu',
  scale: 'sigma',
  create: (_, mu, sigma) => new NormalLeaf(mu, sigma),
};
