/**
 * Readers for jsonb columns written by other modules (leaderboard entries, snapshot windows).
 * The report never trusts their shape: a missing or mistyped field reads as null, not as a crash.
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

export function booleanOrNull(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** Serializes a driver timestamp (Date, or text for timestamptz read as string) as ISO-8601 UTC with `Z`. */
export function isoUtc(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  return date.toISOString();
}

export function isoUtcOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : isoUtc(value);
}
