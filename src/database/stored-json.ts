/**
 * Readers for values of jsonb columns, for code that must not trust a stored row (written by an
 * older version, another module or by hand): a missing or mistyped field reads as null or a
 * fallback, never as a crash.
 *
 * @example
 *   finiteOrNull(asObject(row.windows)?.value) // null unless a finite number
 */

export type JsonObject = Record<string, unknown>;

export function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function integerOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

export function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
