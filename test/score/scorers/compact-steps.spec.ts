import { decodePayload, encodePayload, uniformSteps } from '../../../src/predict/round/density-payload-codec';
import { ScorerRegistry } from '../../../src/score/scorers/scorer.registry';
import type { ScoreInput } from '../../../src/score/scorers/scorer';
import { NormalMixturePlan } from '../../../src/score/scorers/density/normal-mixture-plan';
import { densityLimits } from '../../../src/score/scorers/builtin/density-steps';
import { parseDensitySpec } from '../../../src/score/scorers/density/density-spec.parser';
import type { CompiledDensity } from '../../../src/score/scorers/density/compiled-density';

const registry = new ScorerRegistry();
const STEPS = 6;
const truth = Array.from({ length: STEPS }, (_, k) => (k - 2.5) * 7e-4);

const norm = (loc: number, scale: number, type = 'builtin') => ({ type, name: 'norm', params: { loc, scale } });
const mixture = (...components: Array<[unknown, number]>) => ({ type: 'mixture', components: components.map(([density, weight]) => ({ density, weight })) });
const steps = (step: (k: number) => unknown) => Array.from({ length: STEPS }, (_, k) => step(k));

/** Scores one payload from its text (JSON.parse) and from its compact form (the cycle's input). */
function scoreBoth(scorer: string, payload: unknown, options: Record<string, unknown> = {}) {
  const text = JSON.stringify(payload);
  const compact = encodePayload(text);
  if (compact === null) throw new Error('the payload was not stored compact');
  const base = { truth, asset: 'BTC', horizon: STEPS * 60, step: 60, options };
  const fromText = registry.score(scorer, { payload: JSON.parse(text), ...base });
  const compactSteps = uniformSteps(compact) ?? undefined;
  const fromCompact = registry.score(scorer, { payload: decodePayload(compact), ...base, compactSteps } as ScoreInput);
  return { fromText, fromCompact, compactSteps };
}

describe('density scorers read compact steps (float64 numbers, no object per step)', () => {
  const payloads: Array<[string, unknown]> = [
    ['normal specs', steps((k) => norm(k * 1e-4, 0.002 + k * 1e-5))],
    ['two-normal mixtures, weights normalised', steps((k) => mixture([norm(1e-4, 0.002), 3], [norm(-k * 1e-4, 0.006, 'scipy'), 1]))],
    ['nested mixtures with a zero weight', steps((k) => mixture([mixture([norm(0, 0.001), 0.5], [norm(k * 1e-5, 0.003), 0.5]), 0.7], [norm(0, 0.01), 0.3], [norm(5, 1), 0]))],
    ['statistics normals (mu, sigma) and extra keys', steps((k) => ({ type: 'statistics', name: 'normal', params: { mu: k * 1e-4, sigma: 0.004 }, step: k }))],
    ['a scale of 0 at step 3', steps((k) => norm(0, k === 3 ? 0 : 0.002))],
    ['a negative weight at step 1', steps((k) => mixture([norm(0, 0.002), k === 1 ? -0.5 : 0.5], [norm(0, 0.004), 0.5]))],
    ['all weights zero at step 2', steps((k) => mixture([norm(0, 0.002), k === 2 ? 0 : 0.5], [norm(0, 0.004), k === 2 ? 0 : 0.5]))],
    ['student-t leaves (no plan: parsed per step)', steps((k) => ({ type: 'scipy', name: 't', params: { df: 4, loc: k * 1e-4, scale: 0.002 } }))],
    ['an unknown param', steps(() => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.002, skew: 1 } }))],
    ['too many leaves for maxComponents 2', steps(() => mixture([norm(0, 0.001), 1], [norm(0, 0.002), 1], [norm(0, 0.003), 1]))],
  ];

  it.each(payloads.flatMap(([name, payload]) => ['density-pdf', 'density-log-likelihood', 'crps'].map((scorer) => [`${scorer}: ${name}`, scorer, payload] as const)))(
    '%s scores exactly as from the text',
    (_name, scorer, payload) => {
      const options = _name.includes('maxComponents 2') ? { maxComponents: 2 } : {};
      const { fromText, fromCompact, compactSteps } = scoreBoth(scorer, payload, options);
      expect(compactSteps).toBeDefined();
      expect(fromCompact).toEqual(fromText);
    },
  );

  it('compiles a plan for normal mixtures and none for other families', () => {
    const limits = densityLimits(16);
    const of = (payload: unknown) => NormalMixturePlan.of(uniformSteps(encodePayload(JSON.stringify(payload))!)!.template, limits);
    expect(of(payloads[1][1])).not.toBeNull();
    expect(of(payloads[7][1])).toBeNull();
    const compile = jest.spyOn(NormalMixturePlan.prototype, 'compile');
    expect(scoreBoth('density-pdf', payloads[1][1]).fromCompact.ok).toBe(true);
    expect(compile).toHaveBeenCalledTimes(STEPS); // the compact path, not a parse of each step
    compile.mockRestore();
  });

  it('refills one density per plan step after step, leaves included (nothing kept from the previous step)', () => {
    const payload = steps((k) => mixture([norm(k * 0.1, 1e-3), 1], [norm(-k * 0.1, 2e-3), k === 2 ? 0 : 1]));
    const compact = uniformSteps(encodePayload(JSON.stringify(payload))!)!;
    const plan = NormalMixturePlan.of(compact.template, densityLimits(16))!;
    for (let k = 0; k < STEPS; k++) {
      const density = plan.compile(compact.floats, k * compact.floatsPerStep)!;
      const parsed = parseDensitySpec(payload[k], densityLimits(16)) as CompiledDensity;
      expect(density.leaves.map((leaf) => leaf.scale)).toEqual(parsed.leaves.map((leaf) => leaf.scale));
      expect(density.weights).toEqual(parsed.weights);
      // Far in a tail the pdf underflows and logPdf sums over the leaf objects.
      expect(density.logPdf(0.05)).toBe(parsed.logPdf(0.05));
      expect(density.pdf(k * 0.1)).toBe(parsed.pdf(k * 0.1));
    }
  });

  it('reads a payload whose steps differ in structure through the general path', () => {
    const payload = steps((k) => (k % 2 === 0 ? norm(0, 0.002) : mixture([norm(0, 0.002), 1], [norm(0, 0.004), 1])));
    const { fromText, fromCompact, compactSteps } = scoreBoth('density-pdf', payload);
    expect(compactSteps).toBeUndefined();
    expect(fromCompact).toEqual(fromText);
    expect(fromText.ok).toBe(true);
  });
});
