import { readNumbers, readPointTruth } from '../prediction-payload';
import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreSafely, scoreValue } from '../scorer';
import { ScorerOptionsReader, memoizeOptions } from '../scorer-options';

/** Truth labels of a binary competition: each 0 or 1. */
function readBinaryTruth(truth: unknown): number[] | string {
  const labels = readPointTruth(truth);
  if (typeof labels === 'string') return labels;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) return `truth label ${i} must be 0 or 1`;
  }
  return labels;
}

/** Predicted probabilities (a number or one per truth label), each in [0, 1]. */
function readProbabilities(payload: unknown, count: number): number[] | string {
  const probabilities = readNumbers(payload, count);
  if (typeof probabilities === 'string') return probabilities;
  for (let i = 0; i < probabilities.length; i++) {
    if (probabilities[i] < 0 || probabilities[i] > 1) return `probability ${i} must be in [0, 1]`;
  }
  return probabilities;
}

/**
 * Binary log-loss (cross-entropy): mean of `-(y ln p + (1 - y) ln(1 - p))`, p clipped to
 * `[eps, 1 - eps]` so a confident miss costs `-ln(eps)` instead of infinity. Lower is better.
 * Options: `eps` (default 1e-15, as scikit-learn).
 *
 * @example new LogLossScorer().score({ payload: [0.9, 0.2], truth: [1, 0], ... }) // 0.164252...
 */
export class LogLossScorer implements Scorer {
  readonly name = 'log-loss';
  readonly direction = 'lower' as const;

  private readonly readOptions = memoizeOptions((options) => {
    const read = new ScorerOptionsReader(this.name, options);
    read.onlyKeys(['eps']);
    return { eps: read.number('eps', 1e-15, { min: 1e-300, max: 0.5 }) };
  });

  validateOptions(options: Record<string, unknown>): void {
    this.readOptions(options);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const { eps } = this.readOptions(input.options);
      const labels = readBinaryTruth(input.truth);
      if (typeof labels === 'string') return scoreFailed(labels);
      const probabilities = readProbabilities(input.payload, labels.length);
      if (typeof probabilities === 'string') return scoreFailed(probabilities);
      let sum = 0;
      for (let i = 0; i < labels.length; i++) {
        const p = Math.min(Math.max(probabilities[i], eps), 1 - eps);
        sum -= labels[i] === 1 ? Math.log(p) : Math.log1p(-p);
      }
      return scoreValue(sum / labels.length);
    });
  }
}

/**
 * Share of correct binary predictions. The payload holds labels (0/1) or probabilities in [0, 1];
 * a value >= `threshold` (default 0.5) predicts 1. Higher is better.
 *
 * @example new AccuracyScorer().score({ payload: [0.7, 0.4, 1], truth: [1, 1, 1], ... }) // 0.666...
 */
export class AccuracyScorer implements Scorer {
  readonly name = 'accuracy';
  readonly direction = 'higher' as const;

  private readonly readOptions = memoizeOptions((options) => {
    const read = new ScorerOptionsReader(this.name, options);
    read.onlyKeys(['threshold']);
    return { threshold: read.number('threshold', 0.5, { min: 0, max: 1 }) };
  });

  validateOptions(options: Record<string, unknown>): void {
    this.readOptions(options);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const { threshold } = this.readOptions(input.options);
      const labels = readBinaryTruth(input.truth);
      if (typeof labels === 'string') return scoreFailed(labels);
      const probabilities = readProbabilities(input.payload, labels.length);
      if (typeof probabilities === 'string') return scoreFailed(probabilities);
      let correct = 0;
      for (let i = 0; i < labels.length; i++) if ((probabilities[i] >= threshold ? 1 : 0) === labels[i]) correct++;
      return scoreValue(correct / labels.length);
    });
  }
}
