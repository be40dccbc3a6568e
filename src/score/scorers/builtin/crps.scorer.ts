import { ensembleCrps } from '../crps/ensemble-crps';
import { integratedCrps } from '../crps/integrated-crps';
import { normalMixtureCrps } from '../crps/normal-mixture-crps';
import { CompiledDensity } from '../density/compiled-density';
import { expectedStepCount, readStepPayload, readTruth } from '../prediction-payload';
import { Scorer, ScoreInput, ScoreOutcome, scoreFailed, scoreSafely, scoreValue } from '../scorer';
import { ScorerOptionsReader, memoizeOptions } from '../scorer-options';
import { densityLimits, sumOverDensitySteps } from './density-steps';

export type CrpsInputForm = 'distributions' | 'ensembles' | 'paths';
export type PathReturn = 'log-return' | 'difference';

/**
 * Mean over steps of the CRPS of the k-th forecast at `truth[k]`. Lower is better.
 *
 * Options:
 * - `input` (default `distributions`) says what the payload holds:
 *   - `distributions`: `horizon/step` density specs. Normals and mixtures of normals use the
 *     closed form; any other leaf is integrated numerically (relative accuracy ~1e-10). A spec
 *     whose CRPS is infinite (t with df <= 0.5, pareto with b <= 0.5, f with dfd <= 1) fails.
 *   - `ensembles`: `horizon/step` arrays of sampled values; step k is scored with the CRPS of the
 *     empirical distribution of its samples.
 *   - `paths`: an array of simulated price paths, each `horizon/step + 1` prices at
 *     `t0, t0 + step, ..., t0 + horizon`; step k's ensemble is each path's return from point k to
 *     k+1 (`pathReturn`: `log-return` = ln(p[k+1]/p[k]), needs positive prices, or `difference`),
 *     scored against `truth[k]` as for `ensembles`.
 * - `pathReturn` (default `log-return`), `maxMembers` (samples or paths, default 10000),
 *   `maxComponents` (leaf distributions per spec, default 16).
 *
 * @example
 *   // N(0, 1) at 0: 0.23369497727...
 *   scorer.score({ payload: [{ type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } }], truth: [0], horizon: 60, step: 60, ... });
 */
export class CrpsScorer implements Scorer {
  readonly name = 'crps';
  readonly direction = 'lower' as const;

  private readonly readOptions = memoizeOptions((options) => {
    const read = new ScorerOptionsReader(this.name, options);
    read.onlyKeys(['input', 'pathReturn', 'maxMembers', 'maxComponents']);
    return {
      input: read.choice<CrpsInputForm>('input', ['distributions', 'ensembles', 'paths'], 'distributions'),
      pathReturn: read.choice<PathReturn>('pathReturn', ['log-return', 'difference'], 'log-return'),
      maxMembers: read.number('maxMembers', 10_000, { min: 1, max: 1_000_000, integer: true }),
      limits: densityLimits(read.number('maxComponents', 16, { min: 1, max: 64, integer: true })),
    };
  });

  validateOptions(options: Record<string, unknown>): void {
    this.readOptions(options);
  }

  score(input: ScoreInput): ScoreOutcome {
    return scoreSafely(() => {
      const options = this.readOptions(input.options);
      let mean: number | string;
      if (options.input === 'distributions') {
        const result = sumOverDensitySteps(input, options.limits, densityCrps);
        mean = typeof result === 'string' ? result : result.sum / result.steps;
      } else if (options.input === 'ensembles') {
        mean = meanEnsembleCrps(input, options.maxMembers);
      } else {
        mean = meanPathCrps(input, options.maxMembers, options.pathReturn);
      }
      return typeof mean === 'string' ? scoreFailed(mean) : scoreValue(mean);
    });
  }
}

function densityCrps(density: CompiledDensity, y: number): number | string {
  const normals = density.normalComponents();
  const crps = normals !== null ? normalMixtureCrps(normals.means, normals.sigmas, normals.weights, y) : integratedCrps(density, y);
  if (crps === Infinity) return 'CRPS is infinite for this heavy-tailed distribution';
  if (!Number.isFinite(crps)) return 'CRPS integral did not converge';
  return crps;
}

function meanEnsembleCrps(input: ScoreInput, maxMembers: number): number | string {
  const steps = readStepPayload(input);
  if (typeof steps === 'string') return steps;
  const { count, entries, truth } = steps;
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const members = readMembers(entries[k], maxMembers);
    if (typeof members === 'string') return `step ${k}: ${members}`;
    sum += ensembleCrps(members, truth[k]);
  }
  return sum / count;
}

function readMembers(entry: unknown, maxMembers: number): Float64Array | string {
  if (!Array.isArray(entry)) return 'ensemble must be an array of numbers';
  if (entry.length === 0) return 'ensemble is empty';
  if (entry.length > maxMembers) return `ensemble has more than ${maxMembers} members`;
  const members = new Float64Array(entry.length);
  for (let i = 0; i < entry.length; i++) {
    const value: unknown = entry[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) return `ensemble member ${i} is not a finite number`;
    members[i] = value;
  }
  return members;
}

function meanPathCrps(input: ScoreInput, maxPaths: number, pathReturn: PathReturn): number | string {
  const count = expectedStepCount(input.horizon, input.step);
  if (typeof count === 'string') return count;
  const paths = input.payload;
  if (!Array.isArray(paths) || paths.length === 0) return 'payload must be a non-empty array of price paths';
  if (paths.length > maxPaths) return `more than ${maxPaths} paths`;
  const truth = readTruth(input.truth, count);
  if (typeof truth === 'string') return truth;
  // returns[k * m + j] = return of path j over step k, so each step's ensemble is contiguous.
  const m = paths.length;
  const returns = new Float64Array(count * m);
  for (let j = 0; j < m; j++) {
    const path: unknown = paths[j];
    if (!Array.isArray(path) || path.length !== count + 1) return `path ${j} must be an array of ${count + 1} prices`;
    let previous: unknown = path[0];
    if (!isUsablePrice(previous, pathReturn)) return `path ${j} price 0 is not a usable price`;
    for (let k = 0; k < count; k++) {
      const current: unknown = path[k + 1];
      if (!isUsablePrice(current, pathReturn)) return `path ${j} price ${k + 1} is not a usable price`;
      const r = pathReturn === 'log-return' ? Math.log(current / (previous as number)) : current - (previous as number);
      if (!Number.isFinite(r)) return `path ${j} return ${k} is not finite`;
      returns[k * m + j] = r;
      previous = current;
    }
  }
  let sum = 0;
  for (let k = 0; k < count; k++) sum += ensembleCrps(returns.subarray(k * m, (k + 1) * m), truth[k]);
  return sum / count;
}

function isUsablePrice(value: unknown, pathReturn: PathReturn): value is number {
  return typeof value === 'number' && Number.isFinite(value) && (pathReturn === 'difference' || value > 0);
}
