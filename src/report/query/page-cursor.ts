import { invalidParameter } from './report-validation.pipe';

/**
 * Keyset position in a time-ordered list: the last row's time (PostgreSQL text with
 * microseconds, so no row is skipped or repeated at sub-millisecond ties) and its id.
 * Sent to clients as an opaque base64url token in the `X-Next-Cursor` header.
 *
 * @example
 *   const token = encodePageCursor({ at: '2025-01-01T00:00:00.123456Z', id: 'a1b2...' });
 *   decodePageCursor(token) // { at: '2025-01-01T00:00:00.123456Z', id: 'a1b2...' }
 */
export interface PageCursor {
  at: string;
  id: string;
}

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`, 'utf8').toString('base64url');
}

/** Throws a 400 naming `parameter` when the token was not made by encodePageCursor. */
export function decodePageCursor(token: string, parameter = 'cursor'): PageCursor {
  const text = token.length <= 200 ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const [at, id, extra] = text.split('|');
  if (extra !== undefined || !AT.test(at ?? '') || !UUID.test(id ?? '') || !Number.isFinite(Date.parse(at))) {
    throw invalidParameter(parameter, 'is not a cursor returned by this API (take it from the X-Next-Cursor header)');
  }
  return { at, id };
}
