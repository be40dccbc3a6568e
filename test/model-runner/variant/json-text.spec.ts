import { plainJsonText } from '../../../src/model-runner/variant/json-text';
import { parsePythonJson } from '../../../src/model-runner/variant/python-json';

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value !== 'object') return true;
  return Object.values(value).every(allFinite);
}

const text = (s: string) => plainJsonText(Buffer.from(s, 'utf8'));

describe('plainJsonText', () => {
  it('keeps a Python-style density list as sent, with the counts the round checks', () => {
    const sent = '[{"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": 1e-05}}, {"type": "builtin", "name": "norm", "params": {"loc": -1.5, "scale": 2}}]';
    const json = text(sent)!;
    expect(json.text).toBe(sent);
    expect(json.byteLength).toBe(Buffer.byteLength(sent));
    expect(json.numberCount).toBe(4);
    expect(json.maxDepth).toBe(3);
    expect(json.topLevel).toEqual({ kind: 'array', length: 2, objectItems: 2 });
    expect(json.value()).toEqual(JSON.parse(sent));
    expect(json.value()).toBe(json.value()); // decoded once
  });

  it('describes non-array top levels', () => {
    expect(text(' {"a": [1, 2]} ')!.topLevel).toEqual({ kind: 'object', length: 0, objectItems: 0 });
    expect(text('[]')!.topLevel).toEqual({ kind: 'array', length: 0, objectItems: 0 });
    expect(text('[1, {}, "x", [], null]')!.topLevel).toEqual({ kind: 'array', length: 5, objectItems: 1 });
    expect(text('-0.5e3')!.topLevel.kind).toBe('number');
    expect(text('null')!.topLevel.kind).toBe('null');
    expect(text('"a\\"b\\\\c\\/d\\n"')!.value()).toBe('a"b\\c/d\n');
    expect(text('"é ✓ 😀"')!.value()).toBe('é ✓ 😀');
  });

  it.each([
    ['Python NaN', '[1, NaN]'],
    ['Python Infinity', '{"a": Infinity}'],
    ['Python -Infinity', '[-Infinity]'],
    ['a \\u escape (could be NUL or a lone surrogate)', '["a\\u0000"]'],
    ['an escaped lone surrogate', '"\\ud800"'],
    ['a number overflowing a double', '[1e400]'],
    ['a number with many integer digits and an exponent', '[123456e300]'],
    ['a number too small for numeric', '[1e-400]'],
    ['a number with a 5-digit exponent', '[1e00001]'],
    ['invalid JSON: trailing comma', '[1, 2,]'],
    ['invalid JSON: leading zero', '[01]'],
    ['invalid JSON: bare dot', '[1.]'],
    ['invalid JSON: single quotes', "['a']"],
    ['invalid JSON: unterminated string', '["abc'],
    ['invalid JSON: raw control character in a string', '["a\tb"]'],
    ['invalid JSON: unknown escape', '["\\x41"]'],
    ['invalid JSON: two values', '[1] [2]'],
    ['invalid JSON: unquoted key', '{a: 1}'],
    ['invalid JSON: missing colon', '{"a" 1}'],
    ['empty text', ''],
    ['a byte order mark', '\ufeff[1]'],
  ])('leaves %s to the usual decoder (null)', (_why, sent) => {
    expect(text(sent)).toBeNull();
  });

  it('returns null for bytes that are not UTF-8', () => {
    expect(plainJsonText(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]))).toBeNull();
  });

  it('returns null for nesting deeper than it scans, without overflowing the stack', () => {
    expect(text('['.repeat(100_000) + ']'.repeat(100_000))).toBeNull();
    expect(text('['.repeat(200) + ']'.repeat(200))!.maxDepth).toBe(200);
  });

  it('agrees with JSON.parse on 20,000 random mutations of JSON texts: accepted texts parse to the same value', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['[', ']', '{', '}', ',', ':', ' ', '"', '\\', 'u', '0', '1', '-', '.', 'e', 'E', '+', 'n', 'true', 'null', 'NaN', 'é', '\n', '"k"', '1e308', '9e999'];
    const bases = [
      '[{"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": 0.0012}}]',
      '{"a": [1, -2.5e-3, true, false, null, "x\\"y"], "b": {"c": {}}}',
      '[0, -0, 1.5E+10, 2e-7, "s", [], {}]',
    ];
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      let s = bases[n % bases.length];
      for (let m = 1 + Math.floor(random() * 3); m > 0; m--) {
        const at = Math.floor(random() * (s.length + 1));
        const cut = random() < 0.5 ? Math.floor(random() * 3) : 0;
        s = s.slice(0, at) + (random() < 0.7 ? pieces[Math.floor(random() * pieces.length)] : '') + s.slice(at + cut);
      }
      const json = text(s);
      let parsed: { value: unknown } | null = null;
      try {
        parsed = { value: JSON.parse(s) };
      } catch {
        parsed = null;
      }
      if (json) {
        accepted++;
        expect(parsed).not.toBeNull();
        expect(json.value()).toEqual(parsed!.value);
        expect(json.value()).toEqual(parsePythonJson(s));
        expect(allFinite(json.value())).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(1000); // the mutations leave plenty of valid texts to compare
  });
});
