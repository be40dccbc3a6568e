import { readNumbers, readPointTruth } from '../prediction-payload';
import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreSafely, scoreValue } from '../scorer';
import { ScorerOptionsReader } from '../scorer-options';

/**
 * Mean of a pointwise error between the prediction and the truth. The payload is a number
 * (compared with every truth value) or an array with one number per truth value.
 */
abstract class PointErrorScorer implements Scorer {
  abstract readonly name: string;
  readonly direction = 'lower' as const;

  protected abstract error(predicted: number, actual: number): number;

  validateOptions(options: Record<string, unknown>): void {
    new ScorerOptionsReader(this.name, options).onlyKeys([]);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const truth = readPointTruth(input.truth);
      if (typeof truth === 'string') return scoreFailed(truth);
      const predicted = readNumbers(input.payload, truth.length);
      if (typeof predicted === 'string') return scoreFailed(predicted);
      let sum = 0;
      for (let i = 0; i < truth.length; i++) sum += this.error(predicted[i], truth[i]);
      const mean = sum / truth.length;
      return Number.isFinite(mean) ? scoreValue(mean) : scoreFailed('error is too large to represent');
    });
  }
}

/**
 * Mean squared error. Lower is better.
 * @example new MseScorer().score({ payload: [1, 2], truth: [1, 4], ... }) // { ok: true, value: 2 }
 */
export class MseScorer extends PointErrorScorer {
  readonly name = 'mse';
  protected error(predicted: number, actual: number): number {
    const d = predicted - actual;
    return d * d;
  }
}

/**
 * Mean absolute error. Lower is better.
 * @example new MaeScorer().score({ payload: 3, truth: [1, 4], ... }) // { ok: true, value: 1.5 }
 */
export class MaeScorer extends PointErrorScorer {
  readonly name = 'mae';
  protected error(predicted: number, actual: number): number {
    return Math.abs(predicted - actual);
  }
}
