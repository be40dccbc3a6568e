import type { PageInfo } from '../query/page-headers';

/** One page of a list route: its items and where the next page starts (sent as headers). */
export interface Paged<T> {
  items: T[];
  page: PageInfo;
}

/**
 * Splits rows read with a limit of `limit + 1`: the extra row only says that more follow.
 *
 * @example
 *   splitPage(await repository.list(filter, limit + 1), limit) // { rows: [...limit rows], hasMore: true }
 */
export function splitPage<T>(rows: T[], limit: number): { rows: T[]; hasMore: boolean } {
  return rows.length > limit ? { rows: rows.slice(0, limit), hasMore: true } : { rows, hasMore: false };
}
