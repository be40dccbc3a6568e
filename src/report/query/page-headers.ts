import type { Response } from 'express';

/**
 * List routes keep the seed's bare-array bodies; the position of the next page travels in
 * headers: `X-Next-Cursor` (keyset) or `X-Next-Offset`, plus `X-Has-More: true|false`.
 */
export interface PageInfo {
  hasMore: boolean;
  nextCursor?: string;
  nextOffset?: number;
  /** Set when the body is downsampled (a chart's request over more rows than a body holds): the bucket length. */
  downsampledSeconds?: number;
}

export function setPageHeaders(res: Response, page: PageInfo): void {
  res.setHeader('X-Has-More', String(page.hasMore));
  if (page.hasMore && page.nextCursor !== undefined) res.setHeader('X-Next-Cursor', page.nextCursor);
  if (page.hasMore && page.nextOffset !== undefined) res.setHeader('X-Next-Offset', String(page.nextOffset));
  if (page.downsampledSeconds !== undefined) res.setHeader('X-Downsampled-Seconds', String(page.downsampledSeconds));
}

export const PAGE_HEADERS_DOC = {
  'X-Has-More': { description: 'true when another page exists', schema: { type: 'string' } },
  'X-Next-Cursor': { description: 'cursor of the next page (keyset-paged routes)', schema: { type: 'string' } },
  'X-Next-Offset': { description: 'offset of the next page (offset-paged routes)', schema: { type: 'string' } },
  'X-Downsampled-Seconds': { description: 'present when the body is downsampled (no paging parameter, more rows than a body holds): one row per series and bucket of this many seconds', schema: { type: 'string' } },
};
