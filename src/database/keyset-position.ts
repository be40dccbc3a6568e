/**
 * Where a time-ordered page ends: the last row's time as PostgreSQL text with microseconds (so no
 * row is skipped or repeated at sub-millisecond ties) and its id. Repositories page with it; the
 * report encodes it as an opaque cursor.
 *
 * @example
 *   { at: '2025-01-01T00:00:00.123456Z', id: '4f7e0c6e-3b8a-4d0a-9d4e-2f0f7b1f6a11' }
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

/** SQL for the microsecond UTC text of a timestamptz column: a keyset position must not lose PostgreSQL's precision. */
export function microsecondText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
