import { ModelRunnerFailure } from '../hosts/model-host';
import { TypedValue } from '../hosts/typed-value';
import { WireVariant } from './model-runner-protos';

/**
 * The server side of the Variant encoding (model-runner-protocol.md §2): wire Variant <-> typed text.
 * DOUBLE is 8-byte little-endian IEEE-754, INT little-endian two's complement (8 bytes written,
 * any length read), STRING and JSON UTF-8. PARQUET/ARROW arguments are not supported here.
 *
 * @example
 *   decodeVariant({ type: 'INT', value: Buffer.from([16, 14, 0, 0, 0, 0, 0, 0]) }); // { type: 'INT', text: '3600' }
 */
const NUMBERED_TYPES = ['NONE', 'DOUBLE', 'INT', 'STRING', 'PARQUET', 'ARROW', 'JSON'];
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function typeName(type: string | number): string {
  return typeof type === 'number' ? (NUMBERED_TYPES[type] ?? `#${type}`) : type;
}

function readSignedLittleEndian(bytes: Buffer): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  const bits = BigInt(bytes.length * 8);
  return bytes.length > 0 && bytes[bytes.length - 1] & 0x80 ? value - (1n << bits) : value;
}

function formatDouble(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Reads one argument; a malformed one is the caller's misuse (INVALID_ARGUMENT). */
export function decodeVariant(variant: WireVariant | null | undefined, where: string): TypedValue {
  if (!variant) return { type: 'NONE', text: '' };
  const bytes = variant.value ?? Buffer.alloc(0);
  const type = typeName(variant.type);
  switch (type) {
    case 'NONE':
      return { type: 'NONE', text: '' };
    case 'DOUBLE':
      if (bytes.length !== 8) {
        throw new ModelRunnerFailure('INVALID_ARGUMENT', `${where}: DOUBLE needs 8 bytes, got ${bytes.length}`);
      }
      return { type: 'DOUBLE', text: formatDouble(bytes.readDoubleLE(0)) };
    case 'INT':
      return { type: 'INT', text: readSignedLittleEndian(bytes).toString() };
    case 'STRING':
    case 'JSON':
      return { type, text: bytes.toString('utf8') };
    default:
      throw new ModelRunnerFailure('INVALID_ARGUMENT', `${where}: variant type ${type} is not supported by this model server`);
  }
}

/** Writes a model's typed return value; a value the model made unrepresentable is its failure. */
export function encodeVariant(value: TypedValue): WireVariant {
  switch (value.type) {
    case 'NONE':
      return { type: 'NONE', value: Buffer.alloc(0) };
    case 'DOUBLE': {
      const number = Number(value.text);
      if (Number.isNaN(number) && value.text.trim() !== 'NaN') {
        throw new ModelRunnerFailure('MODEL_FAILED', `returned float ${JSON.stringify(value.text.slice(0, 40))} is not a number`);
      }
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleLE(number, 0);
      return { type: 'DOUBLE', value: bytes };
    }
    case 'INT': {
      const integer = /^-?\d+$/.test(value.text) ? BigInt(value.text) : undefined;
      if (integer === undefined || integer < INT64_MIN || integer > INT64_MAX) {
        throw new ModelRunnerFailure('MODEL_FAILED', `returned integer ${value.text.slice(0, 40)} is not an int64`);
      }
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64LE(integer, 0);
      return { type: 'INT', value: bytes };
    }
    case 'STRING':
    case 'JSON':
      return { type: value.type, value: Buffer.from(value.text, 'utf8') };
  }
}
