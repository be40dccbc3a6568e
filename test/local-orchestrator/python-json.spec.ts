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
