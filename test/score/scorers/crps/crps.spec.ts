import { closeTo, loadScoringFixture } from '../../../fixtures/scoring/reference-fixtures';
import { CompiledDensity } from '../../../../src/score/scorers/density/compiled-density';
import { InvalidDensitySpec, parseDensitySpec } from '../../../../src/score/scorers/density/density-spec.parser';
import { ensembleCrps } from '../../../../src/score/scorers/crps/ensemble-crps';
import { integratedCrps } from '../../../../src/score/scorers/crps/integrated-crps';
import { normalCrps, normalMixtureCrps } from '../../../../src/score/scorers/crps/normal-mixture-crps';

interface CrpsFixtures {
  distributions: { spec: unknown; y: number; crps: number; closedForm: boolean }[];
  infinite: unknown[];
  ensembles: { members: number[]; y: number; crps: number }[];
}

const fixtures = loadScoringFixture<CrpsFixtures>('crps.json');

function compile(spec: unknown): CompiledDensity {
  const density = parseDensitySpec(spec);
  if (density instanceof InvalidDensitySpec) throw new Error(density.reason);
  return density;
}

describe('CRPS of densities against scipy numerical integration of the CDF', () => {
  const closedForm = fixtures.distributions.filter((c) => c.closedForm);
  const numerical = fixtures.distributions.filter((c) => !c.closedForm);

  it('the Gneiting/Grimit closed form matches for normals and mixtures of normals (1e-9 relative)', () => {
    expect(closedForm.length).toBeGreaterThan(40);
    const problems = closedForm
      .map(({ spec, y, crps }) => {
        const normals = compile(spec).normalComponents();
        if (normals === null) return `${JSON.stringify(spec)} is not a normal mixture`;
        const problem = closeTo(normalMixtureCrps(normals.means, normals.sigmas, normals.weights, y), crps, 1e-9, 1e-15);
        return problem && `${JSON.stringify(spec).slice(0, 100)} at ${y}: ${problem}`;
      })
      .filter(Boolean);
    expect(problems).toEqual([]);
  });

  it('adaptive Gauss-Kronrod integration matches for every other family and mixed mixtures (1e-8 relative)', () => {
    // Two independent numerical integrations (ours and QUADPACK's): 1e-8 relative, not 1e-9.
    expect(numerical.length).toBeGreaterThan(60);
    const problems = numerical
      .map(({ spec, y, crps }) => {
        const problem = closeTo(integratedCrps(compile(spec), y), crps, 1e-8);
        return problem && `${JSON.stringify(spec).slice(0, 100)} at ${y}: ${problem}`;
      })
      .filter(Boolean);
    expect(problems).toEqual([]);
  });

  it('numerical integration also agrees with the closed form on normal mixtures', () => {
    for (const { spec, y, crps } of closedForm) expect(closeTo(integratedCrps(compile(spec), y), crps, 1e-8)).toBeNull();
  });

  it('reports an infinite CRPS for tails too heavy to integrate (t df <= 0.5, pareto b <= 0.5, f dfd <= 1)', () => {
    for (const spec of fixtures.infinite) expect(integratedCrps(compile(spec), 0.5)).toBe(Infinity);
  });

  it('normal CRPS at the mean is sigma * (sqrt(2) - 1) / sqrt(pi)', () => {
    expect(normalCrps(3, 2, 3)).toBeCloseTo((2 * (Math.SQRT2 - 1)) / Math.sqrt(Math.PI), 15);
  });
});

describe('ensemble CRPS', () => {
  it('matches the O(n^2) energy form E|X - y| - 1/2 E|X - X\'| (1e-12 relative)', () => {
    for (const { members, y, crps } of fixtures.ensembles) {
      expect(closeTo(ensembleCrps(Float64Array.from(members), y), crps, 1e-12, 1e-18)).toBeNull();
    }
  });

  it('of a single member is the absolute error', () => {
    expect(ensembleCrps(Float64Array.of(0.25), -0.5)).toBe(0.75);
  });
});
