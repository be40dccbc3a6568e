import { plainJsonText } from '../../../src/model-runner/variant/json-text';
import { checkPredictionOutput, checkPredictionText, PredictionOutputRules } from '../../../src/predict/round/prediction-output';

const density = (scale: string) => `{"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": ${scale}}}`;
const densities = (n: number, scale = '0.0012') => `[${Array.from({ length: n }, () => density(scale)).join(', ')}]`;
/** Three objects, the first holding `arrays` nested arrays: depth arrays + 2. */
const nested = (arrays: number) => `[{"a": ${'['.repeat(arrays)}${']'.repeat(arrays)}}, {}, {}]`;
const rules = (over: Partial<PredictionOutputRules> = {}): PredictionOutputRules => ({ kind: 'distributions', expectedLength: 3, maxBytes: 1_000_000, ...over });
const fast = (sent: string, r: PredictionOutputRules) => checkPredictionText(plainJsonText(Buffer.from(sent))!, r);

describe('checkPredictionText (stored as sent when that decides alone)', () => {
  it('accepts the expected number of densities and stores the text as the model sent it', () => {
    const sent = densities(3);
    expect(fast(sent, rules())).toEqual({ ok: true, json: sent });
  });

  it.each([
    ['a wrong length', densities(2), rules()],
    ['a non-object item', '[1, {}, {}]', rules()],
    ['an object instead of a list', '{"a": 1}', rules()],
    ['None', 'null', rules({ kind: 'any' })],
    ['a vector (not handled here)', '[1, 2, 3]', rules({ kind: 'vector' })],
    ['a payload whose re-encoded size could pass the limit', densities(3), rules({ maxBytes: Buffer.byteLength(densities(3)) + 24 * 6 - 1 })],
    ['nesting as deep as the walk limit (64)', nested(62), rules()],
  ])('leaves %s to checkPredictionOutput (null)', (_why, sent, r) => {
    expect(fast(sent, r)).toBeNull();
  });

  it('gives the verdict checkPredictionOutput gives on the decoded value, and a text storing the same value', () => {
    const cases: Array<[string, PredictionOutputRules]> = [
      [densities(60), rules({ expectedLength: 60 })],
      [densities(3, '1e-05'), rules()],
      [densities(3, '12345678901234567890.5'), rules()],
      ['[{"a": "é \\" \\\\ \\/ \\n"}, {}, {"b": [true, false, null]}]', rules()],
      ['3.5', rules({ kind: 'number' })],
      ['{"anything": [1, 2]}', rules({ kind: 'any' })],
      [densities(3), rules({ maxBytes: Buffer.byteLength(densities(3)) + 24 * 6 })],
      [nested(61), rules()],
    ];
    for (const [sent, r] of cases) {
      const text = fast(sent, r);
      const slow = checkPredictionOutput(JSON.parse(sent), r);
      expect(text).not.toBeNull();
      expect(slow.ok).toBe(true);
      expect(JSON.parse((text as { json: string }).json)).toEqual(JSON.parse((slow as { json: string }).json));
    }
  });
});
