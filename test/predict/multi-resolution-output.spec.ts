import { plainJsonText } from '../../src/model-runner/variant/json-text';
import { checkPredictionOutput, checkPredictionText, predictionOutputRules, PredictionOutputRules } from '../../src/predict/round/prediction-output';

const norm = { type: 'builtin', name: 'norm', params: { loc: 0, scale: 2 } };
const specs = (n: number, spec: unknown = norm) => Array.from({ length: n }, () => spec);
const mixture = (...densities: unknown[]) => ({ type: 'mixture', components: densities.map((density) => ({ density, weight: 1 })) });
/** The 1h profile of the Synth game: horizon 3600, steps 60 (60 specs), 300 (12), 900 (4). */
const rules: PredictionOutputRules = {
  kind: 'distributions',
  expectedLength: 60,
  maxBytes: 1_000_000,
  resolutions: { horizon: 3600, steps: [60, 300, 900], maxComponents: 3 },
};
const answer = () => ({ '60': specs(60), '300': specs(12), '900': specs(4) });

describe('checkPredictionOutput of a multi-resolution (predict_all) answer', () => {
  it('accepts an object keyed by step holding horizon // step density specs each', () => {
    const value = answer();
    expect(checkPredictionOutput(value, rules)).toEqual({ ok: true, json: JSON.stringify(value) });
  });

  it('names the step whose list has the wrong length', () => {
    const value = { ...answer(), '300': specs(11) };
    expect(checkPredictionOutput(value, rules)).toEqual({ ok: false, reason: 'step 300: expected 12 density specs, got 11' });
  });

  it('names a missing step, an unexpected key and a step that is not a list', () => {
    const { '900': _dropped, ...partial } = answer();
    expect(checkPredictionOutput(partial, rules)).toEqual({ ok: false, reason: 'step 900: missing (expected 4 density specs)' });
    expect(checkPredictionOutput({ ...answer(), '1800': specs(2) }, rules)).toEqual({ ok: false, reason: 'unexpected key "1800" (expected the steps 60, 300, 900)' });
    expect(checkPredictionOutput({ ...answer(), '60': norm }, rules)).toEqual({ ok: false, reason: 'step 60: expected a list of 60 density specs, got object' });
    expect(checkPredictionOutput([norm], rules)).toEqual({ ok: false, reason: 'expected an object keyed by step (60, 300, 900), got a list' });
  });

  it('names the step and spec that is not an object', () => {
    const value = answer();
    value['900'] = [norm, norm, 3 as unknown as typeof norm, norm];
    expect(checkPredictionOutput(value, rules)).toEqual({ ok: false, reason: 'step 900: density spec [2] must be an object, got number' });
  });

  it('counts the leaves of nested mixtures against the component limit, as predict_all does', () => {
    const three = mixture(norm, mixture(norm, norm));
    const four = mixture(norm, mixture(norm, mixture(norm, norm)));
    expect(checkPredictionOutput({ ...answer(), '300': specs(12, three) }, rules).ok).toBe(true);
    expect(checkPredictionOutput({ ...answer(), '300': [...specs(11), four] }, rules)).toEqual({
      ok: false,
      reason: 'step 300: density spec [11] has more than 3 components',
    });
  });

  it('still rejects NaN inside a step, naming its path', () => {
    const value = answer();
    value['900'] = [norm, norm, norm, { ...norm, params: { loc: NaN, scale: 1 } }];
    expect(checkPredictionOutput(value, rules)).toEqual({ ok: false, reason: 'non-finite number NaN at .900[3].params.loc (not storable as JSON)' });
  });

  it('is never decided on the JSON text alone (each step must be counted), while single-step answers keep that fast path', () => {
    const text = plainJsonText(Buffer.from(JSON.stringify(answer())))!;
    expect(checkPredictionText(text, rules)).toBeNull();
    const single = plainJsonText(Buffer.from(JSON.stringify(specs(60))))!;
    expect(checkPredictionText(single, { ...rules, resolutions: undefined })).toEqual({ ok: true, json: single.text });
  });
});

describe('predictionOutputRules', () => {
  const model = { output: { kind: 'distributions' as const, maxComponents: 3 }, maxPredictionBytes: 1_000_000 };

  it('expects one list of horizon / step items for a single-resolution config', () => {
    expect(predictionOutputRules(model, { horizon: 3600, step: 60 })).toEqual({ kind: 'distributions', expectedLength: 60, maxBytes: 1_000_000 });
  });

  it('expects one list per step up to the horizon for a multi-resolution config (larger steps are not answered)', () => {
    expect(predictionOutputRules(model, { horizon: 3600, step: 60 }, [60, 300, 86400]).resolutions).toEqual({ horizon: 3600, steps: [60, 300], maxComponents: 3 });
  });
});
