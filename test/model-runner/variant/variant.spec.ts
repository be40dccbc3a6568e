import { parsePythonJson, PythonJsonError, stringifyPythonJson } from '../../../src/model-runner/variant/python-json';
import { decodeVariant, encodeVariant, TypedValue, VariantDecodeError, VariantEncodeError, VariantType } from '../../../src/model-runner/variant/variant';
import { ArgumentEncodeError, encodeCallArguments } from '../../../src/model-runner/variant/call-arguments';

const bytes = (...values: number[]) => Buffer.from(values);

describe('Variant encoding (spec section 2)', () => {
  describe('NONE', () => {
    it('encodes to empty bytes and decodes to null', () => {
      const wire = encodeVariant({ type: 'NONE', value: 'ignored' });
      expect(wire).toEqual({ type: VariantType.NONE, value: Buffer.alloc(0) });
      expect(decodeVariant(wire)).toBeNull();
    });
    it('decodes an absent variant (no methodResponse) to null', () => {
      expect(decodeVariant(undefined)).toBeNull();
      expect(decodeVariant(null)).toBeNull();
    });
  });

  describe('DOUBLE', () => {
    it('is 8-byte little-endian IEEE-754', () => {
      expect(encodeVariant({ type: 'DOUBLE', value: 1.5 }).value).toEqual(bytes(0, 0, 0, 0, 0, 0, 0xf8, 0x3f));
      expect(decodeVariant({ type: VariantType.DOUBLE, value: bytes(0, 0, 0, 0, 0, 0, 0xf8, 0xbf) })).toBe(-1.5);
    });
    it.each([0, -0, 1e-300, 123456.789, Number.MAX_VALUE, NaN, Infinity, -Infinity])('round-trips %p', (value) => {
      expect(Object.is(decodeVariant(encodeVariant({ type: 'DOUBLE', value })), value)).toBe(true);
    });
    it('rejects a wrong byte length', () => {
      expect(() => decodeVariant({ type: VariantType.DOUBLE, value: bytes(1, 2, 3) })).toThrow(VariantDecodeError);
      expect(() => decodeVariant({ type: VariantType.DOUBLE, value: Buffer.alloc(9) })).toThrow('expected 8 bytes, got 9');
    });
    it('refuses to encode a non-number', () => {
      expect(() => encodeVariant({ type: 'DOUBLE', value: '1.5' })).toThrow(VariantEncodeError);
    });
  });

  describe('INT', () => {
    it('is 8-byte little-endian two\'s complement', () => {
      expect(encodeVariant({ type: 'INT', value: 300 }).value).toEqual(bytes(0x2c, 0x01, 0, 0, 0, 0, 0, 0));
      expect(encodeVariant({ type: 'INT', value: -1 }).value).toEqual(Buffer.alloc(8, 0xff));
    });
    it.each([0, 1, -1, 3600, -86400, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])('round-trips %p', (value) => {
      expect(decodeVariant(encodeVariant({ type: 'INT', value }))).toBe(value);
    });
    it('returns integers beyond 2^53 as exact decimal strings', () => {
      expect(decodeVariant(encodeVariant({ type: 'INT', value: 2n ** 63n - 1n }))).toBe('9223372036854775807');
      expect(decodeVariant(encodeVariant({ type: 'INT', value: -(2n ** 63n) }))).toBe('-9223372036854775808');
    });
    it('decodes any length as little-endian signed', () => {
      expect(decodeVariant({ type: VariantType.INT, value: bytes(0xff) })).toBe(-1);
      expect(decodeVariant({ type: VariantType.INT, value: bytes(0x7f) })).toBe(127);
      expect(decodeVariant({ type: VariantType.INT, value: bytes(0x00, 0x80) })).toBe(-32768);
      expect(decodeVariant({ type: VariantType.INT, value: bytes(0x10, 0x0e) })).toBe(3600);
      expect(decodeVariant({ type: VariantType.INT, value: Buffer.alloc(0) })).toBe(0);
      // 16 bytes: 2^64, beyond int64, still exact
      const big = Buffer.alloc(16);
      big[8] = 1;
      expect(decodeVariant({ type: VariantType.INT, value: big })).toBe('18446744073709551616');
    });
    it('encodes booleans as 1/0 (Python bool is an int) and integer strings exactly', () => {
      expect(decodeVariant(encodeVariant({ type: 'INT', value: true }))).toBe(1);
      expect(decodeVariant(encodeVariant({ type: 'INT', value: '-42' }))).toBe(-42);
    });
    it('refuses fractions and values outside int64', () => {
      expect(() => encodeVariant({ type: 'INT', value: 1.5 })).toThrow(VariantEncodeError);
      expect(() => encodeVariant({ type: 'INT', value: 2n ** 63n })).toThrow('does not fit');
      expect(() => encodeVariant({ type: 'INT', value: 'abc' })).toThrow(VariantEncodeError);
    });
  });

  describe('STRING', () => {
    it.each(['', 'BTC', 'héllo ✓ 🚀', 'NaN'])('round-trips %p as UTF-8', (value) => {
      const wire = encodeVariant({ type: 'STRING', value });
      expect(wire.value).toEqual(Buffer.from(value, 'utf8'));
      expect(decodeVariant(wire)).toBe(value);
    });
    it('rejects invalid UTF-8 instead of inventing replacement characters', () => {
      expect(() => decodeVariant({ type: VariantType.STRING, value: bytes(0xc3, 0x28) })).toThrow('not valid UTF-8');
    });
  });

  describe('JSON', () => {
    it('decodes Python json.dumps output with bare NaN and Infinity, nested anywhere', () => {
      const text = '{"mu": NaN, "bounds": [-Infinity, Infinity, 1.5], "nested": {"x": [NaN]}}';
      const decoded = decodeVariant({ type: VariantType.JSON, value: Buffer.from(text) }) as any;
      expect(decoded.mu).toBeNaN();
      expect(decoded.bounds).toEqual([-Infinity, Infinity, 1.5]);
      expect(decoded.nested.x[0]).toBeNaN();
    });
    it('decodes a top-level bare NaN', () => {
      expect(decodeVariant({ type: VariantType.JSON, value: Buffer.from('NaN') })).toBeNaN();
      expect(decodeVariant({ type: VariantType.JSON, value: Buffer.from('-Infinity') })).toBe(-Infinity);
    });
    it('leaves strings that contain those words untouched', () => {
      const text = '["NaN", "Infinity is -Infinity", "say \\"NaN\\" twice", NaN, {"NaN": "Infinity"}]';
      const decoded = parsePythonJson(text) as unknown[];
      expect(decoded.slice(0, 3)).toEqual(['NaN', 'Infinity is -Infinity', 'say "NaN" twice']);
      expect(decoded[3]).toBeNaN();
      expect(decoded[4]).toEqual({ NaN: 'Infinity' });
    });
    it('does not turn a string that looks like an internal marker into a number', () => {
      const decoded = parsePythonJson('["__pyjson_0123456789abcdef01234567_NaN", NaN]') as unknown[];
      expect(decoded[0]).toBe('__pyjson_0123456789abcdef01234567_NaN');
      expect(decoded[1]).toBeNaN();
    });
    it('rejects hostile or broken text with a clear error', () => {
      for (const text of ['{"a": nan}', 'NaNa', '[Infinityy]', '{"a":', 'NaN NaN', '', '"unterminated NaN', '[1,]']) {
        expect(() => decodeVariant({ type: VariantType.JSON, value: Buffer.from(text) })).toThrow(VariantDecodeError);
      }
      expect(() => parsePythonJson('[NaN, nope]')).toThrow(PythonJsonError);
    });
    it('writes non-finite numbers the way Python reads them, and round-trips', () => {
      const value = { prices: [[1700000000, 42000.5]], mu: NaN, hi: Infinity, lo: -Infinity, label: 'NaN' };
      const text = stringifyPythonJson(value);
      expect(text).toBe('{"prices":[[1700000000,42000.5]],"mu":NaN,"hi":Infinity,"lo":-Infinity,"label":"NaN"}');
      const decoded = decodeVariant(encodeVariant({ type: 'JSON', value })) as any;
      expect(decoded.mu).toBeNaN();
      expect(decoded).toEqual({ ...value, mu: decoded.mu });
    });
    it('writes bigints as exact integers', () => {
      expect(stringifyPythonJson({ n: 2n ** 64n })).toBe('{"n":18446744073709551616}');
    });
    it('refuses values with no JSON form', () => {
      expect(() => encodeVariant({ type: 'JSON', value: undefined })).toThrow(VariantEncodeError);
    });
  });

  describe('unsupported types', () => {
    it('says clearly that PARQUET and ARROW are not supported', () => {
      expect(() => decodeVariant({ type: VariantType.PARQUET, value: bytes(1) })).toThrow(/PARQUET.*not supported/);
      expect(() => decodeVariant({ type: VariantType.ARROW, value: bytes(1) })).toThrow(/ARROW.*not supported/);
    });
    it('rejects an unknown type number', () => {
      expect(() => decodeVariant({ type: 42, value: bytes(1) })).toThrow('cannot decode 42 variant');
      expect(() => encodeVariant({ type: 'PICKLE' } as unknown as TypedValue)).toThrow(VariantEncodeError);
    });
  });
});

describe('call arguments', () => {
  it('numbers positional arguments from 1 in order and keeps keyword arguments by name', () => {
    const wire = encodeCallArguments({
      positional: [{ type: 'STRING', value: 'BTC' }, { type: 'INT', value: 3600 }, { type: 'INT', value: 300 }],
      keyword: { scale: { type: 'DOUBLE', value: 0.5 } },
    });
    expect(wire.arguments.map((a) => a.position)).toEqual([1, 2, 3]);
    expect(wire.arguments.map((a) => decodeVariant(a.data))).toEqual(['BTC', 3600, 300]);
    expect(wire.kwArguments).toHaveLength(1);
    expect(wire.kwArguments[0].keyword).toBe('scale');
    expect(decodeVariant(wire.kwArguments[0].data)).toBe(0.5);
  });

  it('names the argument that cannot be encoded', () => {
    expect(() => encodeCallArguments({ positional: [{ type: 'STRING', value: 7 }] })).toThrow(/argument #1: cannot encode STRING variant: expected a string/);
    expect(() => encodeCallArguments({ positional: [], keyword: { horizon: { type: 'INT', value: 'soon' } } })).toThrow(ArgumentEncodeError);
  });
});
