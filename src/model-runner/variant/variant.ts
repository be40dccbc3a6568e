import type { WireType } from '../../config/competition/competition.types';
import { parsePythonJson, PythonJsonError, stringifyPythonJson } from './python-json';

/**
 * commons.Variant: a typed value on the model-runner wire (spec section 2).
 *
 * @example
 *   const wire = encodeVariant({ type: 'INT', value: 60 });   // { type: 2, value: <8 bytes LE> }
 *   decodeVariant(wire);                                      // 60
 */

/** commons.VariantType numbers, as on the wire. */
export enum VariantType {
  NONE = 0,
  DOUBLE = 1,
  INT = 2,
  STRING = 3,
  PARQUET = 4,
  ARROW = 5,
  JSON = 6,
}

/** A value with the wire type the coordinator chose for it (PARQUET and ARROW are never sent). */
export interface TypedValue {
  type: WireType;
  value: unknown;
}

/** commons.Variant as @grpc/proto-loader hands it over (enums as numbers, bytes as Buffer). */
export interface WireVariant {
  type: number;
  value: Buffer;
}

export class VariantEncodeError extends Error {
  constructor(readonly variantType: string, message: string) {
    super(`cannot encode ${variantType} variant: ${message}`);
    this.name = 'VariantEncodeError';
  }
}

export class VariantDecodeError extends Error {
  constructor(readonly variantType: string, message: string) {
    super(`cannot decode ${variantType} variant: ${message}`);
    this.name = 'VariantDecodeError';
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Encodes a typed value; throws VariantEncodeError when the value does not fit its type. */
export function encodeVariant(typed: TypedValue): WireVariant {
  switch (typed.type) {
    case 'NONE':
      return { type: VariantType.NONE, value: Buffer.alloc(0) };
    case 'DOUBLE':
      return { type: VariantType.DOUBLE, value: encodeDouble(typed.value) };
    case 'INT':
      return { type: VariantType.INT, value: encodeInt(typed.value) };
    case 'STRING':
      if (typeof typed.value !== 'string') {
        throw new VariantEncodeError('STRING', `expected a string, got ${describe(typed.value)}`);
      }
      return { type: VariantType.STRING, value: Buffer.from(typed.value, 'utf8') };
    case 'JSON':
      return { type: VariantType.JSON, value: encodeJson(typed.value) };
    default:
      throw new VariantEncodeError(String((typed as { type: unknown }).type), 'unknown variant type');
  }
}

/**
 * Decodes a Variant. An absent variant is null (Python None).
 * INT: any length, little-endian signed; returns a number when it is a safe integer, otherwise
 * the exact value as a decimal string (a bigint would break JSON persistence downstream).
 * PARQUET and ARROW are not supported by this client: VariantDecodeError says so.
 */
export function decodeVariant(variant: WireVariant | null | undefined): unknown {
  if (!variant) return null;
  const bytes = variant.value ?? Buffer.alloc(0);
  switch (variant.type) {
    case VariantType.NONE:
      return null;
    case VariantType.DOUBLE:
      if (bytes.length !== 8) {
        throw new VariantDecodeError('DOUBLE', `expected 8 bytes, got ${bytes.length}`);
      }
      return bytes.readDoubleLE(0);
    case VariantType.INT:
      return decodeInt(bytes);
    case VariantType.STRING:
      return decodeUtf8('STRING', bytes);
    case VariantType.JSON:
      try {
        return parsePythonJson(decodeUtf8('JSON', bytes));
      } catch (error) {
        if (error instanceof PythonJsonError) throw new VariantDecodeError('JSON', error.message);
        throw error;
      }
    case VariantType.PARQUET:
      throw new VariantDecodeError('PARQUET', 'Parquet results are not supported by this coordinator; return JSON');
    case VariantType.ARROW:
      throw new VariantDecodeError('ARROW', 'Arrow results are not supported by this coordinator; return JSON');
    default:
      throw new VariantDecodeError(String(variant.type), 'unknown variant type');
  }
}

function encodeDouble(value: unknown): Buffer {
  if (typeof value !== 'number') {
    throw new VariantEncodeError('DOUBLE', `expected a number, got ${describe(value)}`);
  }
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleLE(value, 0);
  return buffer;
}

function encodeInt(value: unknown): Buffer {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'boolean') big = value ? 1n : 0n;
  else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) big = BigInt(value.trim());
  else throw new VariantEncodeError('INT', `expected an integer, got ${describe(value)}`);
  if (big < INT64_MIN || big > INT64_MAX) {
    throw new VariantEncodeError('INT', `${big} does not fit in a signed 64-bit integer`);
  }
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64LE(big, 0);
  return buffer;
}

function decodeInt(bytes: Buffer): number | string {
  if (bytes.length === 0) return 0;
  let unsigned = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) unsigned = (unsigned << 8n) | BigInt(bytes[i]);
  const width = BigInt(bytes.length * 8);
  const signed = bytes[bytes.length - 1] & 0x80 ? unsigned - (1n << width) : unsigned;
  if (signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(signed);
  }
  return signed.toString();
}

function encodeJson(value: unknown): Buffer {
  try {
    return Buffer.from(stringifyPythonJson(value), 'utf8');
  } catch (error) {
    throw new VariantEncodeError('JSON', (error as Error).message);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(variantType: string, bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new VariantDecodeError(variantType, `${bytes.length} bytes are not valid UTF-8`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}
