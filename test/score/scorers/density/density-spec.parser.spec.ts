import { closeTo, loadScoringFixture } from '../../../fixtures/scoring/reference-fixtures';
import { CompiledDensity } from '../../../../src/score/scorers/density/compiled-density';
import { InvalidDensitySpec, parseDensitySpec } from '../../../../src/score/scorers/density/density-spec.parser';

interface DensityCase {
  spec: Record<string, unknown>;
  points: { x: number; pdf: number | null; logpdf: number | null; cdf: number | null }[];
}

const distributions = loadScoringFixture<DensityCase[]>('distributions.json');
const mixtures = loadScoringFixture<DensityCase[]>('mixtures.json');
const invalidSpecs = loadScoringFixture<{ spec: unknown; reason: string }[]>('invalid-specs.json');

function compile(spec: unknown): CompiledDensity {
  const density = parseDensitySpec(spec);
  if (density instanceof InvalidDensitySpec) throw new Error(`spec rejected: ${density.reason}`);
  return density;
}

function describeSpec(spec: Record<string, unknown>): string {
  return JSON.stringify(spec).slice(0, 120);
}

/** Compares pdf, logpdf and cdf at every fixture point; returns the mismatches. */
function compareWithScipy(cases: DensityCase[], tolerances: { pdf: number; logpdf: number; cdf: number }): string[] {
  const problems: string[] = [];
  for (const { spec, points } of cases) {
    const density = compile(spec);
    for (const point of points) {
      const checks: [string, number, number | null, number, number][] = [
        // pdf: relative, plus an absolute floor far below any double a score could tell apart.
        ['pdf', density.pdf(point.x), point.pdf, tolerances.pdf, 1e-300],
        // logpdf: relative, absolute 1e-12 where it crosses 0.
        ['logpdf', density.logPdf(point.x), point.logpdf, tolerances.logpdf, 1e-12],
        // cdf: relative, absolute 1e-15 since 1 - F near 1 is at double rounding level.
        ['cdf', density.cdf(point.x), point.cdf, tolerances.cdf, 1e-15],
      ];
      for (const [what, actual, expected, relative, absolute] of checks) {
        // scipy returns pdf 0 / logpdf -inf where ours underflows identically; -inf logpdf is null in JSON.
        if (what === 'logpdf' && expected === null && actual === -Infinity) continue;
        const problem = closeTo(actual, expected, relative, absolute);
        if (problem !== null) problems.push(`${describeSpec(spec)} ${what}(${point.x}): ${problem}`);
      }
    }
  }
  return problems;
}

describe('parseDensitySpec', () => {
  it('evaluates pdf, logpdf and cdf of every scipy family like scipy, tails and extreme parameters included', () => {
    expect(distributions.reduce((n, c) => n + c.points.length, 0)).toBeGreaterThan(1000);
    // 1e-9 relative for all three: the families are closed forms over lgamma/erfc/incomplete gamma/beta.
    expect(compareWithScipy(distributions, { pdf: 1e-9, logpdf: 1e-9, cdf: 1e-9 })).toEqual([]);
  });

  it('evaluates mixtures (nested, weights normalised by their sum, zero weights dropped) like scipy', () => {
    expect(compareWithScipy(mixtures, { pdf: 1e-9, logpdf: 1e-9, cdf: 1e-9 })).toEqual([]);
  });

  it.each(invalidSpecs.map((c) => [JSON.stringify(c.spec)?.slice(0, 80) ?? String(c.spec), c.spec, c.reason]))(
    'rejects %s with a reason',
    (_label, spec, reason) => {
      const result = parseDensitySpec(spec);
      expect(result).toBeInstanceOf(InvalidDensitySpec);
      expect((result as InvalidDensitySpec).reason).toContain(reason);
      expect((result as InvalidDensitySpec).reason.length).toBeLessThanOrEqual(200);
    },
  );

  it('rejects a spec with more leaves than the limit (crunch-synth allows 3)', () => {
    const leaf = { density: { type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } }, weight: 1 };
    const nested = { type: 'mixture', components: [leaf, { density: { type: 'mixture', components: [leaf, leaf] }, weight: 1 }] };
    const limits = { maxDepth: 3, maxMixtures: 5, maxLeaves: 3 };
    expect(parseDensitySpec(nested, limits)).toBeInstanceOf(CompiledDensity);
    const four = { type: 'mixture', components: [leaf, leaf, { density: { type: 'mixture', components: [leaf, leaf] }, weight: 1 }] };
    expect((parseDensitySpec(four, limits) as InvalidDensitySpec).reason).toBe('more than 3 leaf distributions');
  });

  it('rejects a huge components array before reading its elements', () => {
    const components = new Array(1_000_000).fill({ density: { type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } }, weight: 1 });
    const started = Date.now();
    const result = parseDensitySpec({ type: 'mixture', components });
    expect((result as InvalidDensitySpec).reason).toBe('more than 16 leaf distributions');
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("ignores crunch-synth's per-entry step key and a JSON __proto__ key outside params", () => {
    const spec = JSON.parse('{"type":"scipy","name":"norm","params":{"loc":0,"scale":1},"step":300,"__proto__":{"type":"mixture"}}');
    expect(compile(spec).pdf(0)).toBeCloseTo(0.3989422804014327, 15);
  });

  it('rejects a JSON __proto__ key inside params as an unexpected param', () => {
    const spec = JSON.parse('{"type":"scipy","name":"norm","params":{"loc":0,"scale":1,"__proto__":{"x":1}}}');
    expect((parseDensitySpec(spec) as InvalidDensitySpec).reason).toContain('unexpected param "__proto__"');
  });

  it('rejects non-finite and huge-but-invalid numbers', () => {
    expect((parseDensitySpec({ type: 'scipy', name: 'norm', params: { loc: NaN, scale: 1 } }) as InvalidDensitySpec).reason).toContain(
      'must be finite',
    );
    expect((parseDensitySpec({ type: 'scipy', name: 'norm', params: { loc: 0, scale: Infinity } }) as InvalidDensitySpec).reason).toContain(
      'must be finite',
    );
    expect(compile({ type: 'scipy', name: 'norm', params: { loc: 1e308, scale: 1e308 } }).pdf(0)).toBeGreaterThan(0);
  });
});
