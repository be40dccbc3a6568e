import { ModelRunnerFailure } from '../../../src/local-orchestrator/hosts/model-host';
import { decodeVariant, encodeVariant } from '../../../src/local-orchestrator/grpc/variant-codec';

describe('server-side Variant codec', () => {
  it('reads INT of any length as little-endian signed', () => {
    expect(decodeVariant({ type: 'INT', value: Buffer.from([0x10, 0x0e, 0, 0, 0, 0, 0, 0]) }, 'a')).toEqual({ type: 'INT', text: '3600' });
    expect(decodeVariant({ type: 'INT', value: Buffer.from([0xff]) }, 'a').text).toBe('-1');
    expect(decodeVariant({ type: 'INT', value: Buffer.from([0x00, 0x80]) }, 'a').text).toBe('-32768');
    expect(decodeVariant({ type: 2, value: Buffer.from([5, 0, 0, 0]) }, 'a').text).toBe('5');
  });

  it('round-trips non-finite doubles and keeps int64 exact', () => {
    for (const n of [NaN, Infinity, -Infinity, 0.1, -0]) {
      const wire = encodeVariant({ type: 'DOUBLE', text: String(Object.is(n, -0) ? '-0' : n) });
      expect(Object.is(wire.value.readDoubleLE(0), n)).toBe(true);
      expect(decodeVariant(wire, 'a')).toEqual({ type: 'DOUBLE', text: Object.is(n, -0) ? '-0' : String(n) });
    }
    const max = encodeVariant({ type: 'INT', text: '9223372036854775807' });
    expect(max.value.readBigInt64LE(0)).toBe(2n ** 63n - 1n);
  });

  it('refuses malformed arguments as INVALID_ARGUMENT and unrepresentable results as MODEL_FAILED', () => {
    expect(() => decodeVariant({ type: 'DOUBLE', value: Buffer.alloc(4) }, 'argument 1')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/argument 1: DOUBLE needs 8 bytes/) }),
    );
    expect(() => decodeVariant({ type: 'PARQUET', value: Buffer.alloc(4) }, 'x')).toThrow(ModelRunnerFailure);
    expect(() => encodeVariant({ type: 'INT', text: String(2n ** 63n) })).toThrow(expect.objectContaining({ code: 'MODEL_FAILED' }));
    expect(() => encodeVariant({ type: 'DOUBLE', text: 'abc' })).toThrow(expect.objectContaining({ code: 'MODEL_FAILED' }));
  });

  it('treats an absent variant as NONE', () => {
    expect(decodeVariant(undefined, 'x')).toEqual({ type: 'NONE', text: '' });
    expect(encodeVariant({ type: 'NONE', text: '' }).value.length).toBe(0);
  });
});
