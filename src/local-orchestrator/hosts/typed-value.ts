/**
 * A value crossing the boundary between the gRPC server and a model host: the Variant's type
 * and its content as text (DOUBLE "NaN", INT "-42", JSON '[1, NaN]'). Text keeps NaN, Infinity
 * and int64 exact on every channel (IPC, stdin/stdout lines), whatever the host's language.
 *
 * @example
 *   const horizon: TypedValue = { type: 'INT', text: '3600' };
 */
export type TypedValueType = 'NONE' | 'DOUBLE' | 'INT' | 'STRING' | 'JSON';

export interface TypedValue {
  type: TypedValueType;
  text: string;
}

export const TYPED_VALUE_TYPES: readonly TypedValueType[] = ['NONE', 'DOUBLE', 'INT', 'STRING', 'JSON'];

export function isTypedValue(value: unknown): value is TypedValue {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.text === 'string' && TYPED_VALUE_TYPES.includes(candidate.type as TypedValueType)
  );
}
