import { decodePayload, encodePayload, payloadText, pythonNumberText, renderPayload } from '../../src/predict/round/density-payload-codec';
import { loadScoringFixture } from '../fixtures/scoring/reference-fixtures';
import { ScorerRegistry } from '../../src/score/scorers/scorer.registry';
import type { ScoreInput } from '../../src/score/scorers/scorer';

/** Python's repr of float64 values (generated with CPython 3: repr(v), struct.pack('<d', v).hex()). */
const PYTHON_REPR: Array<[string, string]> = [["0.0", "0000000000000000"], ["-0.0", "0000000000000080"], ["1e-05", "f168e388b5f8e43e"], ["1.5e-07", "76830df4f521843e"], ["100.0", "0000000000005940"], ["1e+16", "0080e03779c34143"], ["1000000000000000.0", "00003426f56b0c43"], ["1.2345678901234568e+20", "dabc047e3ac51a44"], ["0.0001", "2d431cebe2361a3f"], ["0.00012", "691d554d10751f3f"], ["5e-324", "0100000000000000"], ["1.7976931348623157e+308", "ffffffffffffef7f"], ["2.2250738585072014e-308", "0000000000001000"], ["-3.14159", "6e861bf0f92109c0"], ["0.1", "9a9999999999b93f"], ["0.3333333333333333", "555555555555d53f"], ["-2.5e-10", "95d626e80b2ef1bd"], ["9999999999999998.0", "ff7fe03779c34143"], ["1e+22", "92d54d06cff08044"], ["0.5", "000000000000e03f"], ["1.7920435971799646e-16", "38b4e65279d3a93c"], ["5.972115650501124e-187", "370d9e26c3c94419"], ["9.051962159641863e-294", "50a4a3a6f41f1703"], ["1.6189867119270557e-55", "332f8b1209c28f34"], ["1.2244687060864793e-279", "2b902f89043a0606"], ["5.1212003529189705e-129", "f8c99d5d17664c25"], ["3.1038692546051638e-28", "7504d90e6597383a"], ["1.7349057328378597e-242", "f54ee781739dbd0d"], ["3.47746221006508e-282", "d8509909d6288005"], ["9.318011888364065e-180", "5a67036f2655c31a"], ["0.0007895392692275155", "4dfb8cab22df493f"], ["0.00037065332085679754", "f7e427e4874a383f"], ["-0.0033321250506238866", "43abcb03f94b6bbf"], ["0.0017105019375294743", "026969785d065c3f"], ["0.0010127696917894408", "3b6c182ddd97503f"]];

const float64 = (hex: string) => Buffer.from(hex, 'hex').readDoubleLE(0);

/** Every number of a decoded value, in order, compared by their bits (Object.is tells -0 from 0). */
function numbersOf(value: unknown, into: number[] = []): number[] {
  if (typeof value === 'number') into.push(value);
  else if (Array.isArray(value)) for (const v of value) numbersOf(v, into);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) numbersOf(v, into);
  return into;
}

function expectExactRoundTrip(text: string): Buffer {
  const compact = encodePayload(text);
  expect(compact).not.toBeNull();
  expect(renderPayload(compact!)).toBe(text);
  const decoded = decodePayload(compact!);
  expect(decoded).toEqual(JSON.parse(text));
  const expected = numbersOf(JSON.parse(text));
  const actual = numbersOf(decoded);
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Object.is(v, expected[i])).toBe(true));
  return compact!;
}

const mixtureStep = (loc: number, scale: number, weight: number) => ({
  type: 'mixture',
  components: [
    { density: { type: 'builtin', name: 'norm', params: { loc, scale } }, weight },
    { density: { type: 'scipy', name: 't', params: { df: 4.5, loc: -loc, scale: scale * 3 } }, weight: 1 - weight },
  ],
});

/** A deterministic stream of arbitrary float64 bit patterns (finite ones only). */
function* arbitraryDoubles(count: number): Generator<number> {
  let state = 0x9e3779b97f4a7c15n;
  const view = new DataView(new ArrayBuffer(8));
  for (let produced = 0; produced < count; ) {
    state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    view.setBigUint64(0, state);
    const v = view.getFloat64(0);
    if (Number.isFinite(v)) {
      produced++;
      yield v;
    }
  }
}

describe('the compact payload codec', () => {
  it('renders a density payload written by JSON.stringify back byte for byte, numbers as their exact float64', () => {
    const payload = Array.from({ length: 60 }, (_, k) => mixtureStep((k - 30) * 1.1e-7, 0.0021 + k * 3.3e-6, 0.61 + k / 1000));
    const text = JSON.stringify(payload);
    const compact = expectExactRoundTrip(text);
    expect(compact.length).toBeLessThan(text.length / 3);
  });

  it('keeps -0, subnormals, the extremes of float64 and 17-digit values exactly', () => {
    const text = '[-0,0,-0.0,5e-324,-5e-324,2.2250738585072014e-308,1.7976931348623157e+308,-1.7976931348623157e+308,0.1,0.30000000000000004,1e-7,1e+21,123456789.12345679,9007199254740993,1.50,1E5,2e0,-1.25e-310]';
    expectExactRoundTrip(text);
    const decoded = decodePayload(encodePayload(text)!) as number[];
    expect(Object.is(decoded[0], -0)).toBe(true);
    expect(Object.is(decoded[2], -0)).toBe(true);
    expect(Object.is(decoded[1], 0)).toBe(true);
  });

  it('round-trips 5,000 arbitrary float64 bit patterns', () => {
    const values = [...arbitraryDoubles(5000)];
    const text = JSON.stringify(values.map((v, i) => ({ v, w: [v, -v], i })));
    expectExactRoundTrip(text);
  });

  it("writes floats as Python's repr does, so a json.dumps text keeps its spelling", () => {
    for (const [repr, hex] of PYTHON_REPR) expect([repr, pythonNumberText(float64(hex))]).toEqual([repr, repr]);
    const text = '[' + PYTHON_REPR.map(([repr]) => '{"type": "builtin", "name": "norm", "params": {"loc": ' + repr + ', "scale": 0.0025}}').join(', ') + ']';
    expectExactRoundTrip(text);
  });

  it("writes as Python's repr the positional floats it takes from JavaScript's text, and all the others", () => {
    // Python's rule spelled out: the shortest round-trip digits (toExponential's), positional for exponents -4..15.
    const repr = (value: number): string => {
      const [mantissa, exp] = Math.abs(value).toExponential().split('e');
      const digits = mantissa.replace('.', '');
      const e = Number(exp);
      const sign = value < 0 || Object.is(value, -0) ? '-' : '';
      if (e < -4 || e >= 16) return `${sign}${digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
      if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
      const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
      return `${sign}${whole}.${digits.slice(e + 1) || '0'}`;
    };
    const values = [...arbitraryDoubles(4000)];
    const scaled = values.flatMap((v) => [-8, -5, -4, -1, 0, 3, 10, 15, 16, 17].map((p) => (v / 2 ** Math.floor(Math.log2(Math.abs(v) || 1))) * 10 ** p));
    const edges = [1e-4, 9.999999999999999e-5, 1.0000000000000002e-4, 1e16, 9999999999999998, 1e15, 123456, 0.5, 2 ** 53, 2 ** 53 + 2];
    for (const v of [...values, ...scaled, ...edges, ...edges.map((x) => -x)]) {
      if (pythonNumberText(v) !== repr(v)) expect([v, pythonNumberText(v)]).toEqual([v, repr(v)]);
    }
  });

  it('reads a multi-resolution payload keyed by step (the Synth game) and strings with escapes', () => {
    const spec = (scale: number) => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale } });
    const synth = { '300': Array.from({ length: 12 }, (_, k) => spec(0.001 + k * 1e-5)), '3600': [spec(0.004)], '86400': [] };
    expectExactRoundTrip(JSON.stringify(synth));
    const strings = '{"name":"caf\\u00e9 \\"quoted\\" \\\\ tab\\t","note":"été","empty":{},"list":[],"flags":[true,false,null],"v":0.125}';
    expectExactRoundTrip(`[${Array.from({ length: 8 }, () => strings).join(',')}]`);
  });

  it('keeps a __proto__ key as an own property, as JSON.parse does', () => {
    const text = `[${Array.from({ length: 8 }, (_, i) => `{"__proto__":{"polluted":${i}},"loc":0.5}`).join(',')}]`;
    const decoded = decodePayload(expectExactRoundTrip(text)) as Array<Record<string, unknown>>;
    expect(Object.getPrototypeOf(decoded[0])).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(decoded[1], '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('builds fresh objects each time, so one decoded payload never aliases another', () => {
    const compact = encodePayload(JSON.stringify([mixtureStep(0, 1, 0.5), mixtureStep(2, 3, 0.25)]))!;
    const first = decodePayload(compact) as Array<ReturnType<typeof mixtureStep>>;
    const second = decodePayload(compact) as Array<ReturnType<typeof mixtureStep>>;
    expect(first[0]).not.toBe(first[1]);
    first[0].components[0].weight = 99;
    expect(second[0].components[0].weight).toBe(0.5);
  });

  it.each([
    ['a bare number (nothing to gain)', '0.5'],
    ['mixed separators', '[1, 2,3]'],
    ['pretty-printed JSON', JSON.stringify([{ loc: 0.5, scale: 1 }], null, 2)],
    ['a trailing space', '[1.5,2.5,3.5,4.5] '],
    ['a number out of float64 range', '[1e999,1,2,3,4,5,6,7,8,9]'],
    ['invalid JSON', '[1.5,2.5,'],
    ['a raw control character in a string', '["a\tb","cccccccccccccccccc"]'],
    ['a text shorter than its binary', '[1]'],
  ])('leaves %s as text (encodePayload gives null)', (_name, text) => {
    expect(encodePayload(text)).toBeNull();
  });

  it('refuses a binary that is not a compact payload with a clear error', () => {
    expect(() => decodePayload(Buffer.from('[1,2,3]'))).toThrow(/not a compact payload/);
    const compact = encodePayload(JSON.stringify([mixtureStep(0, 1, 0.5), mixtureStep(2, 3, 0.25)]))!;
    expect(() => renderPayload(compact.subarray(0, 40))).toThrow(/not a compact payload/);
  });

  it('gives every reader the same text through payloadText, whichever column holds it', () => {
    const text = JSON.stringify([mixtureStep(0.001, 0.02, 0.7), mixtureStep(0.002, 0.03, 0.6)]);
    expect(payloadText({ payload: null, payload_compact: encodePayload(text) })).toBe(text);
    expect(payloadText({ payload: '[1, 2]', payload_compact: null })).toBe('[1, 2]');
    expect(payloadText({ payload: [1, 2], payload_compact: null })).toBe('[1,2]');
    expect(payloadText({ payload: null, payload_compact: null })).toBeNull();
  });

  describe('scores the same from the compact form as from the text, for every built-in scorer', () => {
    const registry = new ScorerRegistry();
    const fixture = loadScoringFixture<Record<string, Array<{ payload: unknown; truth: number[]; options?: Record<string, unknown>; horizon?: number; step?: number }>>>('scorers.json');
    const cases = Object.entries(fixture).flatMap(([scorer, list]) => list.map((c, i) => [`${scorer} #${i}`, scorer, c] as const));
    it.each(cases)('%s', (_name, scorer, c) => {
      const text = JSON.stringify(c.payload);
      const compact = encodePayload(text);
      const input = (payload: unknown): ScoreInput => ({ payload, truth: c.truth, asset: 'BTC', horizon: c.horizon ?? c.truth.length, step: c.step ?? 1, options: c.options ?? {} });
      const fromText = registry.score(scorer, input(JSON.parse(text)));
      const fromCompact = registry.score(scorer, input(compact === null ? JSON.parse(text) : decodePayload(compact)));
      expect(fromCompact).toEqual(fromText);
      if (scorer.startsWith('density')) expect(compact).not.toBeNull(); // the density payloads do take the compact path
    });
  });
});
