/**
 * True when an `If-None-Match` header names `etag` (RFC 9110: `*`, a list, weak comparison).
 *
 * @example
 *   ifNoneMatchHits('W/"seed-abc", "x"', '"seed-abc"') // true
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.length > 8192) return false;
  const wanted = stripWeak(etag);
  return text.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || stripWeak(tag) === wanted;
  });
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
