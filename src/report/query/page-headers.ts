import type { Response } from 'express';

/**
 * List routes keep the seed's bare-array bodies; the position of the next page travels in
 * headers: `X-Next-Cursor` (keyset) or `X-Next-Offset`, plus `X-Has-More: true|false`.
 */
export interface PageInfo {
  hasMore: boolean;
  nextCursor?: string;
  nextOffset?: number;
}

export function setPageHeaders(res: Response, page: PageInfo): void {
  res.setHeader('X-Has-More', String(page.hasMore));
  if (page.hasMore && page.nextCursor !== undefined) res.setHeader('X-Next-Cursor', page.nextCursor);
  if (page.hasMore && page.nextOffset !== undefined) res.setHeader('X-Next-Offset', String(page.nextOffset));
}

export const PAGE_HEADERS_DOC = {
  'X-Has-More': { description: 'true when another page exists', schema: { type: 'string' } },
  'X-Next-Cursor': { description: 'cursor of the next page (keyset-paged routes)', schema: { type: 'string' } },
  'X-Next-Offset': { description: 'offset of the next page (offset-paged routes)', schema: { type: 'string' } },
};
