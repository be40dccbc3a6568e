import { closeTo, loadScoringFixture } from '../../../fixtures/scoring/reference-fixtures';
import { realisedTargets } from '../../../../src/data-source/ground-truth';
import { PriceWindow } from '../../../../src/data-source/price-window';
import { ResolutionTruth, ScoreInput, ScoreOutcome } from '../../../../src/score/scorers/scorer';
import { ScorerRegistry } from '../../../../src/score/scorers/scorer.registry';
import { CrpsGridScorer } from '../../../../src/score/scorers/builtin/crps-grid.scorer';
import { SynthCrpsScorer } from '../../../../src/score/scorers/builtin/synth-crps.scorer';

interface SynthCase {
  asset: string;
  horizon: number;
  steps: number[];
  performedAtMs: number;
  prices: Array<[number, number]>;
  payload: Record<string, unknown[]>;
  resolutions: ResolutionTruth[];
  score: number;
}
const fixture = loadScoringFixture<{ halfWidths: Record<string, number>; cases: SynthCase[] }>('synth-crps.json');
const scorer = new SynthCrpsScorer();

function inputOf(c: SynthCase, resolutions: ResolutionTruth[]): ScoreInput {
  const finest = resolutions.reduce((a, b) => (b.step < a.step ? b : a));
  return { payload: c.payload, truth: finest.truth, asset: c.asset, horizon: c.horizon, step: finest.step, options: {}, resolutions };
}

function valueOf(outcome: ScoreOutcome): number {
  if (!outcome.ok) throw new Error(`scoring failed: ${outcome.reason}`);
  return outcome.value;
}

describe('synth-crps (the Synth game\'s multi-resolution score)', () => {
  it.each(fixture.cases.map((c) => [`${c.asset} ${c.horizon}s steps ${c.steps.join('/')}`, c]))(
    'matches the numpy evaluation for %s, truth included (price differences of the nearest prices)',
    (_name, c) => {
      const window = new PriceWindow(10 * 86_400_000);
      for (const [ts, price] of c.prices) window.insert(ts, price);
      const resolutions = c.resolutions.map(({ step }) => {
        const truth = realisedTargets({ subject: c.asset, performedAtMs: c.performedAtMs, horizon: c.horizon, step, target: 'difference' }, window, 120_000);
        if (!truth.ok) throw new Error(truth.reason);
        return truth.sameObservation ? { step, truth: truth.values, sameObservation: truth.sameObservation } : { step, truth: truth.values };
      });
      for (const [i, r] of resolutions.entries()) {
        r.truth.forEach((value, k) => expect(closeTo(value, c.resolutions[i].truth[k], 1e-12, 1e-9)).toBeNull());
        expect(r.sameObservation).toEqual(c.resolutions[i].sameObservation);
      }
      expect(closeTo(valueOf(scorer.score(inputOf(c, resolutions))), c.score, 1e-14)).toBeNull();
    },
  );

  it('is the sum of crps-grid\'s per-step scores (each a sum over increments / T)', () => {
    const c = fixture.cases[0];
    const grid = new CrpsGridScorer();
    const perStep = c.resolutions.map((r) => valueOf(grid.score({ ...inputOf(c, c.resolutions), payload: c.payload[String(r.step)], truth: r.truth, step: r.step })));
    expect(closeTo(valueOf(scorer.score(inputOf(c, c.resolutions))), perStep.reduce((a, b) => a + b, 0), 1e-12)).toBeNull();
  });

  it('leaves out an increment whose two ends are the same observation (a feed gap), as the game does', () => {
    const c = fixture.cases.find((x) => x.resolutions.some((r) => r.sameObservation))!;
    expect(c.resolutions[0].sameObservation).toEqual([10, 12]);
    const withGap = valueOf(scorer.score(inputOf(c, c.resolutions)));
    const counted = valueOf(scorer.score(inputOf(c, c.resolutions.map(({ step, truth }) => ({ step, truth })))));
    expect(closeTo(withGap, c.score, 1e-14)).toBeNull();
    expect(counted).toBeGreaterThan(withGap);
  });

  it('fails with a reason naming the step', () => {
    const c = fixture.cases[0];
    const short = { ...c.payload, '300': c.payload['300'].slice(1) };
    expect(scorer.score({ ...inputOf(c, c.resolutions), payload: short })).toEqual({ ok: false, reason: 'step 300: payload has 11 entries, expected 12' });
    const { '900': _dropped, ...missing } = c.payload;
    expect(scorer.score({ ...inputOf(c, c.resolutions), payload: missing })).toEqual({ ok: false, reason: 'step 900: missing from the payload' });
    expect(scorer.score({ ...inputOf(c, c.resolutions), payload: c.payload['60'] })).toEqual({ ok: false, reason: 'payload must be an object keyed by step, got array' });
  });

  it('fails a single-resolution prediction and an asset without a half-width', () => {
    const c = fixture.cases[0];
    expect(scorer.score({ ...inputOf(c, c.resolutions), resolutions: undefined })).toMatchObject({ ok: false, reason: expect.stringContaining('multi-resolution predictions only') });
    expect(scorer.score({ ...inputOf(c, c.resolutions), asset: 'DOGE' })).toEqual({ ok: false, reason: 'step 60: no CRPS half-width T for asset "DOGE"' });
    expect(valueOf(scorer.score({ ...inputOf(c, c.resolutions), asset: 'DOGE', options: { t: { DOGE: 1500 } } }))).toBeCloseTo(c.score, 10);
  });

  it('takes crps-grid\'s options and rejects unknown ones at startup', () => {
    expect(() => scorer.validateOptions({ numPoints: 512, t: { DOGE: 1 } })).not.toThrow();
    expect(() => scorer.validateOptions({ gridPoints: 512 })).toThrow(/option "gridPoints"/);
  });

  it('is the registry\'s multi-resolution scorer: the startup check pairs it with configs that name steps', () => {
    const registry = new ScorerRegistry();
    expect(() => registry.validatePayloads('synth-crps', true)).not.toThrow();
    expect(() => registry.validatePayloads('crps-grid', false)).not.toThrow();
    expect(() => registry.validatePayloads('crps-grid', true)).toThrow(/does not score multi-resolution predictions/);
    expect(() => registry.validatePayloads('synth-crps', false)).toThrow(/no prediction config names steps/);
  });
});
