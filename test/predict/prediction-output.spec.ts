import { checkPredictionOutput, PredictionOutputRules } from '../../src/predict/round/prediction-output';

const norm = { type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.01 } };
const distributions = (n: number): PredictionOutputRules => ({ kind: 'distributions', expectedLength: n, maxBytes: 1_000_000 });

describe('checkPredictionOutput', () => {
  it('accepts exactly horizon/step density objects and returns their JSON', () => {
    const check = checkPredictionOutput([norm, norm, norm], distributions(3));
    expect(check).toEqual({ ok: true, json: JSON.stringify([norm, norm, norm]) });
  });

  it('rejects a list of the wrong length, naming both lengths', () => {
    expect(checkPredictionOutput([norm, norm], distributions(3))).toEqual({
      ok: false,
      reason: 'expected exactly 3 distributions (horizon / step), got 2',
    });
  });

  it('rejects a distribution that is not an object', () => {
    expect(checkPredictionOutput([norm, 0.5, norm], distributions(3))).toEqual({ ok: false, reason: 'distribution [1] must be an object, got number' });
    expect(checkPredictionOutput([norm, [1], norm], distributions(3))).toEqual({ ok: false, reason: 'distribution [1] must be an object, got a list' });
  });

  it('rejects something that is not a list for distributions, and None for every kind', () => {
    expect(checkPredictionOutput({ a: 1 }, distributions(1))).toMatchObject({ ok: false, reason: expect.stringContaining('got object') });
    for (const kind of ['distributions', 'number', 'vector', 'any'] as const) {
      expect(checkPredictionOutput(null, { kind, expectedLength: 1, maxBytes: 100 })).toEqual({ ok: false, reason: 'returned nothing (None)' });
    }
  });

  it('rejects NaN and Infinity anywhere, naming where', () => {
    const bad = [norm, { type: 'builtin', name: 'norm', params: { loc: NaN, scale: 1 } }];
    expect(checkPredictionOutput(bad, distributions(2))).toEqual({ ok: false, reason: 'non-finite number NaN at [1].params.loc (not storable as JSON)' });
    expect(checkPredictionOutput(-Infinity, { kind: 'number', expectedLength: 1, maxBytes: 100 })).toMatchObject({ ok: false, reason: expect.stringContaining('-Infinity at (root)') });
  });

  it('rejects a payload above maxPredictionBytes, measured in UTF-8 bytes', () => {
    const big = Array.from({ length: 10 }, () => ({ ...norm, note: 'é'.repeat(50) }));
    const bytes = Buffer.byteLength(JSON.stringify(big), 'utf8');
    expect(checkPredictionOutput(big, { kind: 'distributions', expectedLength: 10, maxBytes: bytes }).ok).toBe(true);
    expect(checkPredictionOutput(big, { kind: 'distributions', expectedLength: 10, maxBytes: bytes - 1 })).toEqual({
      ok: false,
      reason: `payload is ${bytes} bytes, above the ${bytes - 1}-byte limit`,
    });
  });

  it('rejects a huge payload without serialising it', () => {
    const huge = Array.from({ length: 200_000 }, () => 1);
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const check = checkPredictionOutput(huge, { kind: 'vector', expectedLength: 0, maxBytes: 1000 });
      expect(check).toEqual({ ok: false, reason: 'payload is larger than the 1000-byte limit' });
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it('checks numbers and vectors by type', () => {
    expect(checkPredictionOutput(0.25, { kind: 'number', expectedLength: 1, maxBytes: 100 })).toEqual({ ok: true, json: '0.25' });
    expect(checkPredictionOutput('0.25', { kind: 'number', expectedLength: 1, maxBytes: 100 })).toEqual({ ok: false, reason: 'expected a number, got string' });
    expect(checkPredictionOutput([1, 2.5], { kind: 'vector', expectedLength: 2, maxBytes: 100 })).toEqual({ ok: true, json: '[1,2.5]' });
    expect(checkPredictionOutput([1, 'x'], { kind: 'vector', expectedLength: 2, maxBytes: 100 })).toEqual({ ok: false, reason: 'item [1] must be a number, got string' });
    expect(checkPredictionOutput({ any: ['thing', true] }, { kind: 'any', expectedLength: 1, maxBytes: 100 })).toEqual({ ok: true, json: '{"any":["thing",true]}' });
  });

  it('rejects strings PostgreSQL cannot store (NUL, unpaired surrogate) in values and keys', () => {
    const any = { kind: 'any' as const, expectedLength: 1, maxBytes: 1000 };
    expect(checkPredictionOutput({ a: 'x\u0000y' }, any)).toEqual({ ok: false, reason: 'a NUL character in the string at .a' });
    expect(checkPredictionOutput(['\ud800'], any)).toEqual({ ok: false, reason: 'an unpaired surrogate in the string at [0]' });
    expect(checkPredictionOutput({ 'k\u0000': 1 }, any)).toMatchObject({ ok: false, reason: expect.stringContaining('a NUL character in the key') });
    expect(checkPredictionOutput(['😀'], any)).toEqual({ ok: true, json: '["😀"]' });
  });

  it('rejects absurdly deep nesting instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkPredictionOutput(deep, { kind: 'any', expectedLength: 1, maxBytes: 10_000_000 })).toMatchObject({ ok: false, reason: expect.stringContaining('nested deeper than 64') });
  });
});
