/**
 * Milliseconds to wait according to a `Retry-After` header (delta seconds or an HTTP date), or
 * null when the header is absent or unreadable.
 *
 * @example
 *   retryAfterMs('3', 0)                                    // 3000
 *   retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', nowMs)    // ms until then, at least 0
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
