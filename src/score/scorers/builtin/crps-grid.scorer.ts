import { CrpsGrid } from '../crps/grid-crps';
import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreSafely, scoreValue } from '../scorer';
import { ScorerOptionsReader, memoizeOptions } from '../scorer-options';
import { quoteForReason } from '../density/density-spec.parser';
import { densityLimits, sumOverDensitySteps } from './density-steps';

/** crunch-synth's per-asset half-width T of the integration range at the base step (`CRPS_BOUNDS.t`). */
export const CRUNCH_SYNTH_HALF_WIDTHS: Readonly<Record<string, number>> = Object.freeze({
  BTC: 1500,
  SOL: 4,
  ETH: 80,
  XAUT: 33,
  SPYX: 3.2,
  NVDAX: 2.3,
  TSLAX: 5.9,
  AAPLX: 2.1,
  GOOGLX: 3.4,
  // Assets of crunch-synth 0.13 (SP500 replaced SPYX; SPYX stays for older competition files).
  SP500: 21,
  XRP: 0.04,
  HYPE: 1.1,
  WTIOIL: 1.2,
});

/** The raw per-increment CRPS sum of one step's specs and the asset's half-width T it is scaled by. */
export interface GridCrpsSum {
  sum: number;
  halfWidth: number;
}

/**
 * crunch-synth's published grid CRPS, for score parity with the game. Lower is better.
 *
 * For each step k: the spec's pdf on `numpy.linspace(-K T, K T, numPoints)`, CDF = cumulative
 * sum * dt clipped to [0, 1], CRPS_k = trapezoid((CDF - 1[z >= truth[k]])^2), with T the asset's
 * half-width and `K = sqrt(step / baseStep)` when `step > baseStep`, else 1. The prediction's
 * score is `sum_k CRPS_k / T`. Truth is the price difference over the step (crunch-synth's target).
 * Entries may carry crunch-synth's `"step"` offset key; it is ignored.
 *
 * Difference from the Python original: mixture weights are normalised by their sum (see
 * `parseDensitySpec`), identical for weights summing to 1.
 *
 * Options: `t` (per-asset half-widths, merged over CRUNCH_SYNTH_HALF_WIDTHS), `baseStep` (300),
 * `numPoints` (256), `maxComponents` (leaf distributions per spec, 3).
 *
 * @example
 *   scorer.score({ asset: 'BTC', horizon: 3600, step: 300, payload: twelveSpecs, truth: twelvePriceMoves, options: {} });
 */
export class CrpsGridScorer implements Scorer {
  readonly name = 'crps-grid';
  readonly direction = 'lower' as const;

  private readonly readOptions = memoizeOptions((options) => {
    const read = new ScorerOptionsReader(this.name, options);
    read.onlyKeys(['t', 'baseStep', 'numPoints', 'maxComponents']);
    const overrides = read.positiveNumberMap('t', {});
    return {
      halfWidths: new Map([...Object.entries(CRUNCH_SYNTH_HALF_WIDTHS), ...overrides]),
      baseStep: read.number('baseStep', 300, { min: 1e-9 }),
      numPoints: read.number('numPoints', 256, { min: 2, max: 100_000, integer: true }),
      limits: densityLimits(read.number('maxComponents', 3, { min: 1, max: 64, integer: true })),
      grids: new Map<string, CrpsGrid>(),
    };
  });

  validateOptions(options: Record<string, unknown>): void {
    this.readOptions(options);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const result = this.crpsSum(input);
      return typeof result === 'string' ? scoreFailed(result) : scoreValue(result.sum / result.halfWidth);
    });
  }

  /**
   * `sum_k CRPS_k` over the `horizon/step` increments, unscaled, with the asset's T, or a reason;
   * for scorers that add several steps up before scaling (see `synth-crps`). Increments in
   * `leftOut` are validated but add nothing. Throws ScorerOptionsError on bad options (run it
   * inside `scoreSafely`).
   */
  crpsSum(input: ScoreInput, leftOut: readonly number[] = []): GridCrpsSum | string {
    const options = this.readOptions(input.options);
    const halfWidth = options.halfWidths.get(input.asset);
    if (halfWidth === undefined) return `no CRPS half-width T for asset ${quoteForReason(input.asset)}`;
    if (!(input.step > 0)) return 'step must be a positive number';
    const k = input.step > options.baseStep ? Math.sqrt(input.step / options.baseStep) : 1;
    const grid = gridFor(options.grids, k * halfWidth, options.numPoints);
    const result = sumOverDensitySteps(input, options.limits, (density, x, k) => {
      if (leftOut.length > 0 && leftOut.includes(k)) return 0;
      const crps = grid.crps(density, x);
      return Number.isFinite(crps) ? crps : 'grid CRPS is not finite';
    });
    return typeof result === 'string' ? result : { sum: result.sum, halfWidth };
  }
}

function gridFor(grids: Map<string, CrpsGrid>, halfRange: number, numPoints: number): CrpsGrid {
  const key = `${halfRange}`;
  let grid = grids.get(key);
  if (grid === undefined) {
    grid = new CrpsGrid(-halfRange, halfRange, numPoints);
    grids.set(key, grid);
  }
  return grid;
}
