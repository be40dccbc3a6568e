import { join } from 'path';

// The JS runners are plain CommonJS shipped in deployment/runners/js (they also run in child processes).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stringifyPythonJson, parsePythonJson } = require(join(__dirname, '..', '..', 'deployment', 'runners', 'js', 'python-json.js'));

describe('Python-dialect JSON of the JS model runner', () => {
  it('writes non-finite numbers as bare NaN / Infinity / -Infinity, as json.dumps does', () => {
    expect(stringifyPythonJson({ a: [NaN, Infinity, -Infinity, 1.5], s: 'NaN' })).toBe('{"a": [NaN, Infinity, -Infinity, 1.5], "s": "NaN"}');
  });

  it('reads them back without touching strings that contain the same words', () => {
    const parsed = parsePythonJson('{"a": [NaN, -Infinity, Infinity], "s": "NaN, Infinity", "n": {"x": -1.5e3}}');
    expect(parsed.a[0]).toBeNaN();
    expect(parsed.a.slice(1)).toEqual([-Infinity, Infinity]);
    expect(parsed.s).toBe('NaN, Infinity');
    expect(parsed.n.x).toBe(-1500);
  });

  it('rejects values Python could not serialise either', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => stringifyPythonJson(circular)).toThrow(/circular reference at \$\.self/);
    expect(() => stringifyPythonJson([new Set([1])])).toThrow(/object of type Set at \$\[0\]/);
    expect(() => parsePythonJson('[NaN, nope]')).toThrow(SyntaxError);
  });
});

describe('stringifyPythonJson fast path', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stringifyPythonJson: write } = require('../../deployment/runners/js/python-json.js');

  it('writes plain data exactly as the path-checking writer does (json.dumps separators)', () => {
    const value = [{ type: 'builtin', name: 'norm', params: { loc: -0.5, scale: 0.002 } }, 'a, "b": c', { 'k:,': [1, 2.5e-7, true, null] }, []];
    expect(write(value)).toBe('[{"type": "builtin", "name": "norm", "params": {"loc": -0.5, "scale": 0.002}}, "a, \\"b\\": c", {"k:,": [1, 2.5e-7, true, null]}, []]');
    expect(JSON.parse(write(value))).toEqual(value);
  });

  it('still writes NaN and Infinity bare and names the path of what cannot be written', () => {
    expect(write([1, NaN, -Infinity])).toBe('[1, NaN, -Infinity]');
    expect(() => write({ a: [1, () => 2] })).toThrow(/\$\.a\[1\]/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => write(cyclic)).toThrow(/circular/);
  });
});
