import type { TimeRange } from '../query/time-range';

/**
 * A chart route asked without `limit`, `offset` or `cursor` is a chart's request: the ecosystem's
 * web app reads the body only (it follows no paging headers) over a window of days, for every
 * selected model at once. Such a request gets the exact rows when the range holds at most the
 * route's maximum body; otherwise one row per model, parameter set and bucket of the range (the
 * newest of its bucket), so the body covers the whole range up to its newest point. A request
 * with any paging parameter gets exact pages, as before.
 */
export function isChartRequest(page: { limit?: number; offset?: number; cursor?: string }): boolean {
  return page.limit === undefined && page.offset === undefined && page.cursor === undefined;
}

/**
 * The bucket length that keeps `seriesCount` series over `range` within `maxRows` (a bucket index
 * runs from 0 to the bucket count inclusive, hence the spare bucket).
 *
 * @example
 *   // 30 days, 10 models x 6 parameter sets, 5000 rows: 82 buckets of 31,610 s (~8.8 h) per series
 *   samplingBucketSeconds({ start: new Date('2025-01-01'), end: new Date('2025-01-31') }, 60, 5000) // 31610
 */
export function samplingBucketSeconds(range: TimeRange, seriesCount: number, maxRows: number): number {
  const buckets = Math.max(1, Math.floor(maxRows / Math.max(1, seriesCount)) - 1);
  const seconds = Math.max(1, (range.end.getTime() - range.start.getTime()) / 1000);
  return Math.max(1, Math.ceil(seconds / buckets));
}
