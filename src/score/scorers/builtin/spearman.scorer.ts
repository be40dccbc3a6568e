import { readNumbers, readPointTruth } from '../prediction-payload';
import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreSafely, scoreValue } from '../scorer';
import { ScorerOptionsReader } from '../scorer-options';

/**
 * Spearman rank correlation (the "IC" of Numerai/Crunch) between the payload vector and the truth
 * vector: Pearson correlation of their ranks, ties getting the average of their ranks. Higher is
 * better. A constant vector has no defined correlation and fails.
 *
 * @example new SpearmanScorer().score({ payload: [0.1, 0.5, 0.3], truth: [1, 3, 2], ... }) // 1
 */
export class SpearmanScorer implements Scorer {
  readonly name = 'spearman';
  readonly direction = 'higher' as const;

  validateOptions(options: Record<string, unknown>): void {
    new ScorerOptionsReader(this.name, options).onlyKeys([]);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const truth = readPointTruth(input.truth);
      if (typeof truth === 'string') return scoreFailed(truth);
      if (truth.length < 2) return scoreFailed('rank correlation needs at least 2 values');
      if (!Array.isArray(input.payload)) return scoreFailed('payload must be an array of numbers');
      const predicted = readNumbers(input.payload, truth.length);
      if (typeof predicted === 'string') return scoreFailed(predicted);
      const correlation = pearson(averageRanks(predicted), averageRanks(truth));
      if (correlation === null) return scoreFailed('a constant vector has no rank correlation');
      return scoreValue(correlation);
    });
  }
}

/** Ranks 1..n, tied values sharing the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

function pearson(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i];
    meanY += y[i];
  }
  meanX /= n;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}
