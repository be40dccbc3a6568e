import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreSafely, scoreValue } from '../scorer';
import { ScorerOptionsReader, memoizeOptions } from '../scorer-options';
import { densityLimits, sumOverDensitySteps } from './density-steps';

/** Default floor of a step's log-density: e^-20 ≈ 2e-9, far below any useful forecast's density. */
export const DEFAULT_LOG_LIKELIHOOD_FLOOR = -20;

/**
 * Mean over steps of `max(ln pdf(truth[k]), floor)`. Higher is better. The floor bounds the
 * damage of one step that puts (almost) no mass where the observation fell.
 * Options: `floor` (default -20), `maxComponents` (default 16).
 *
 * @example
 *   // N(0, 1) at its mode: ln(1/sqrt(2 pi)) = -0.9189...
 *   scorer.score({ payload: [{ type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } }], truth: [0], horizon: 60, step: 60, ... });
 */
export class DensityLogLikelihoodScorer implements Scorer {
  readonly name = 'density-log-likelihood';
  readonly direction = 'higher' as const;

  private readonly readOptions = memoizeOptions((options) => {
    const read = new ScorerOptionsReader(this.name, options);
    read.onlyKeys(['floor', 'maxComponents']);
    return {
      floor: read.number('floor', DEFAULT_LOG_LIKELIHOOD_FLOOR, { max: 0 }),
      limits: densityLimits(read.number('maxComponents', 16, { min: 1, max: 64, integer: true })),
    };
  });

  validateOptions(options: Record<string, unknown>): void {
    this.readOptions(options);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const { floor, limits } = this.readOptions(input.options);
      const result = sumOverDensitySteps(input, limits, (density, x) => {
        const logPdf = density.logPdf(x);
        if (Number.isNaN(logPdf) || logPdf === Infinity) return 'density is not finite at the observation';
        return logPdf > floor ? logPdf : floor;
      });
      return typeof result === 'string' ? scoreFailed(result) : scoreValue(result.sum / result.steps);
    });
  }
}
