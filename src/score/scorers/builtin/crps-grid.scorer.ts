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
});

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
      const options = this.readOptions(input.options);
      const halfWidth = options.halfWidths.get(input.asset);
      if (halfWidth === undefined) return scoreFailed(`no CRPS half-width T for asset ${quoteForReason(input.asset)}`);
      if (!(input.step > 0)) return scoreFailed('step must be a positive number');
      const k = input.step > options.baseStep ? Math.sqrt(input.step / options.baseStep) : 1;
      const grid = gridFor(options.grids, k * halfWidth, options.numPoints);
      const result = sumOverDensitySteps(input, options.limits, (density, x) => {
        const crps = grid.crps(density, x);
        return Number.isFinite(crps) ? crps : 'grid CRPS is not finite';
      });
      return typeof result === 'string' ? scoreFailed(result) : scoreValue(result.sum / halfWidth);
    });
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
