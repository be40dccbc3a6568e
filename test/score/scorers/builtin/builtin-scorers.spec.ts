import { closeTo, loadScoringFixture } from '../../../fixtures/scoring/reference-fixtures';
import { Scorer, ScoreInput, ScoreOutcome } from '../../../../src/score/scorers/scorer';
import { ScorerOptionsError } from '../../../../src/score/scorers/scorer.errors';
import { createBuiltinScorers } from '../../../../src/score/scorers/builtin/index';

type ScorerCase = { payload: unknown; truth: number[]; score: number; horizon?: number; step?: number; options?: Record<string, unknown> };
const scorerCases = loadScoringFixture<Record<string, ScorerCase[]>>('scorers.json');
const crpsFixtures = loadScoringFixture<{
  distributions: { spec: unknown; y: number; crps: number }[];
  paths: { pathReturn: string; horizon: number; step: number; paths: number[][]; truth: number[]; score: number }[];
  ensembles: { members: number[]; y: number; crps: number }[];
}>('crps.json');
const gridFixtures = loadScoringFixture<{
  cases: { asset: string; horizon: number; step: number; payload: unknown[]; truth: number[]; score: number; options?: Record<string, unknown> }[];
}>('crps-grid.json');

const scorers = new Map(createBuiltinScorers().map((s) => [s.name, s]));
const scorer = (name: string): Scorer => scorers.get(name)!;

function input(partial: Partial<ScoreInput>): ScoreInput {
  return { payload: undefined, truth: [], asset: 'BTC', horizon: 1, step: 1, options: {}, ...partial };
}

function valueOf(outcome: ScoreOutcome): number {
  if (!outcome.ok) throw new Error(`scoring failed: ${outcome.reason}`);
  return outcome.value;
}

describe('built-in scorers against the reference fixtures', () => {
  it.each(Object.keys(scorerCases))('%s reproduces the numpy/scipy reference', (name) => {
    for (const c of scorerCases[name]) {
      const truthLength = c.truth.length;
      const outcome = scorer(name).score(
        input({ payload: c.payload, truth: c.truth, horizon: c.horizon ?? truthLength, step: c.step ?? 1, options: c.options ?? {} }),
      );
      expect(closeTo(valueOf(outcome), c.score, 1e-12, 1e-15)).toBeNull();
    }
  });

  it('crps scores density specs per step and averages them', () => {
    const cases = crpsFixtures.distributions.slice(0, 6);
    const outcome = scorer('crps').score(
      input({ payload: cases.map((c) => c.spec), truth: cases.map((c) => c.y), horizon: 360, step: 60 }),
    );
    const expected = cases.reduce((sum, c) => sum + c.crps, 0) / cases.length;
    expect(closeTo(valueOf(outcome), expected, 1e-9)).toBeNull();
  });

  it('crps scores sample ensembles with the empirical CRPS', () => {
    const cases = crpsFixtures.ensembles.slice(0, 4);
    const outcome = scorer('crps').score(
      input({ payload: cases.map((c) => c.members), truth: cases.map((c) => c.y), horizon: 4, step: 1, options: { input: 'ensembles' } }),
    );
    const expected = cases.reduce((sum, c) => sum + c.crps, 0) / cases.length;
    expect(closeTo(valueOf(outcome), expected, 1e-12)).toBeNull();
  });

  it.each(crpsFixtures.paths.map((p) => [p.pathReturn, p]))('crps scores price paths through their per-step %s', (_kind, p) => {
    const outcome = scorer('crps').score(
      input({ payload: p.paths, truth: p.truth, horizon: p.horizon, step: p.step, options: { input: 'paths', pathReturn: p.pathReturn } }),
    );
    expect(closeTo(valueOf(outcome), p.score, 1e-12)).toBeNull();
  });

  it.each(gridFixtures.cases.map((c) => [`${c.asset} ${c.horizon}/${c.step}`, c]))(
    'crps-grid matches the numpy re-implementation of crunch-synth crps_integral for %s',
    (_label, c) => {
      const outcome = scorer('crps-grid').score(
        input({ asset: c.asset, payload: c.payload, truth: c.truth, horizon: c.horizon, step: c.step, options: c.options ?? {} }),
      );
      // Same algorithm and summation order; only pdf values differ in the last bits from scipy's.
      expect(closeTo(valueOf(outcome), c.score, 1e-11)).toBeNull();
    },
  );

  it('crps-grid fails an asset without a half-width T, and accepts a fourth leaf only when maxComponents allows it', () => {
    const normal = { type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } };
    const unknownAsset = scorer('crps-grid').score(input({ asset: 'DOGE', payload: [normal], truth: [0], horizon: 60, step: 60 }));
    expect(unknownAsset).toEqual({ ok: false, reason: 'no CRPS half-width T for asset "DOGE"' });
    const four = { type: 'mixture', components: [1, 2, 3, 4].map(() => ({ density: normal, weight: 1 })) };
    const rejected = scorer('crps-grid').score(input({ asset: 'SOL', payload: [four], truth: [0], horizon: 60, step: 60 }));
    expect(rejected).toEqual({ ok: false, reason: 'step 0: more than 3 leaf distributions' });
    const allowed = scorer('crps-grid').score(
      input({ asset: 'SOL', payload: [four], truth: [0], horizon: 60, step: 60, options: { maxComponents: 4 } }),
    );
    expect(allowed.ok).toBe(true);
  });

  it('density-pdf fails a prediction that does not have exactly horizon/step distributions', () => {
    const normal = { type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } };
    const outcome = scorer('density-pdf').score(input({ payload: [normal, normal], truth: [0, 0, 0], horizon: 180, step: 60 }));
    expect(outcome).toEqual({ ok: false, reason: 'payload has 2 entries, expected 3' });
  });

  it('spearman fails on a constant vector', () => {
    expect(scorer('spearman').score(input({ payload: [1, 1, 1], truth: [1, 2, 3] }))).toEqual({
      ok: false,
      reason: 'a constant vector has no rank correlation',
    });
  });
});

describe('scorer options', () => {
  it.each([
    ['density-log-likelihood', { floor: 'low' }, 'floor'],
    ['density-log-likelihood', { flor: -3 }, 'flor'],
    ['crps', { input: 'samples' }, 'input'],
    ['crps-grid', { t: { BTC: -1 } }, 't'],
    ['crps-grid', { numPoints: 2.5 }, 'numPoints'],
    ['log-loss', { eps: 0.9 }, 'eps'],
    ['mse', { anything: 1 }, 'anything'],
  ])('%s rejects %j naming the option key', (name, options, key) => {
    let thrown: unknown;
    try {
      scorer(name).validateOptions!(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ScorerOptionsError);
    expect((thrown as ScorerOptionsError).optionKey).toBe(key);
  });

  it('an invalid option met at scoring time fails the score instead of throwing', () => {
    const outcome = scorer('crps').score(input({ payload: [], options: { input: 42 } }));
    expect(outcome.ok).toBe(false);
    expect((outcome as { reason: string }).reason).toContain('option "input"');
  });
});

describe('hostile payloads never throw and fail with a short reason', () => {
  const deep: unknown[] = [];
  let cursor = deep;
  for (let i = 0; i < 10_000; i++) {
    const next: unknown[] = [];
    cursor.push(next);
    cursor = next;
  }
  const throwingElement = Object.defineProperty([0, 0], '0', {
    get() {
      throw new Error('boom');
    },
  });
  const proxy = new Proxy([], {
    get() {
      throw new Error('boom');
    },
  });
  const payloads: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'norm'],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['1e308', 1e308],
    ['an empty array', []],
    ['an array of NaN', [NaN, NaN]],
    ['an array of strings', ['1', '2']],
    ['an array of Infinity', [Infinity, -Infinity]],
    ['deep nesting', deep],
    ['an object with a __proto__ key', JSON.parse('{"__proto__": {"ok": true}, "type": "mixture"}')],
    ['an array of __proto__ objects', [JSON.parse('{"__proto__": {"type": "scipy"}}'), JSON.parse('{"__proto__": []}')]],
    ['a huge array', new Array(5_000_000).fill(0)],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a bigint', BigInt(1)],
    ['a throwing proxy', proxy],
    ['an array whose element getter throws', throwingElement],
    ['a spec object instead of a list', { type: 'scipy', name: 'norm', params: { loc: 0, scale: 1 } }],
    ['a list of huge-parameter specs', [{ type: 'scipy', name: 'norm', params: { loc: 1e308, scale: 1e-308 } }, null]],
  ];
  const all = createBuiltinScorers();
  const cases = all.flatMap((s) => payloads.map(([label, payload]) => [s.name, label, payload] as [string, string, unknown]));

  it.each(cases)('%s with %s', (name, _label, payload) => {
    const started = Date.now();
    let outcome: ScoreOutcome | undefined;
    expect(() => {
      outcome = scorer(name).score(input({ payload, truth: [0, 1], horizon: 120, step: 60 }));
    }).not.toThrow();
    expect(outcome!.ok).toBe(false);
    const reason = (outcome as { reason: string }).reason;
    expect(reason.length).toBeGreaterThan(0);
    expect(reason.length).toBeLessThanOrEqual(200);
    expect(reason).not.toMatch(/\n|\bat \w+ \(/);
    expect(Date.now() - started).toBeLessThan(200);
  });

  it.each(all.map((s) => [s.name]))('%s fails non-finite or mis-sized truth', (name) => {
    const outcome = scorer(name).score(input({ payload: [0.5, 0.5], truth: [NaN, 1], horizon: 120, step: 60 }));
    expect(outcome.ok).toBe(false);
  });
});
