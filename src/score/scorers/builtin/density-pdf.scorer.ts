import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreSafely, scoreValue } from '../scorer';
import { ScorerOptionsReader, memoizeOptions } from '../scorer-options';
import { densityLimits, sumOverDensitySteps } from './density-steps';

/**
 * The seed's score: mean over steps of the raw density `pdf(truth[k])` of the k-th spec. Higher is better.
 * Options: `maxComponents` (leaf distributions per spec, default 16).
 *
 * @example
 *   // horizon 120, step 60: two specs, scored against two log-returns
 *   new DensityPdfScorer().score({ payload: [normal, normal], truth: [0.001, -0.002], ... });
 */
export class DensityPdfScorer implements Scorer {
  readonly name = 'density-pdf';
  readonly direction = 'higher' as const;

  private readonly readOptions = memoizeOptions((options) => {
    const read = new ScorerOptionsReader(this.name, options);
    read.onlyKeys(['maxComponents']);
    return { limits: densityLimits(read.number('maxComponents', 16, { min: 1, max: 64, integer: true })) };
  });

  validateOptions(options: Record<string, unknown>): void {
    this.readOptions(options);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const { limits } = this.readOptions(input.options);
      const result = sumOverDensitySteps(input, limits, (density, x) => {
        const p = density.pdf(x);
        return Number.isFinite(p) ? p : 'density is not finite at the observation';
      });
      return typeof result === 'string' ? scoreFailed(result) : scoreValue(result.sum / result.steps);
    });
  }
}
