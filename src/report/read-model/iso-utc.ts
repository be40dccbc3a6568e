/** Serializes a driver timestamp (Date, or text for timestamptz read as string) as ISO-8601 UTC with `Z`. */
export function isoUtc(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  return date.toISOString();
}

export function isoUtcOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : isoUtc(value);
}
