import { parseIsoTimestamp } from './iso-timestamp';
import { invalidParameter } from './report-validation.pipe';

/** An inclusive range of instants. */
export interface TimeRange {
  start: Date;
  end: Date;
}

/**
 * Reads two already-validated ISO bounds; a reversed range is a 400 naming `startName`.
 *
 * @example
 *   timeRange('2025-01-02T00:00:00Z', '2025-01-01T00:00:00Z') // throws 400 "Invalid query parameter start: must not be after end"
 */
export function timeRange(start: string, end: string, startName = 'start', endName = 'end'): TimeRange {
  const from = parseIsoTimestamp(start);
  const to = parseIsoTimestamp(end);
  if (!from) throw invalidParameter(startName, 'must be one ISO-8601 datetime such as 2025-01-01T00:00:00Z');
  if (!to) throw invalidParameter(endName, 'must be one ISO-8601 datetime such as 2025-01-01T00:00:00Z');
  if (from.getTime() > to.getTime()) throw invalidParameter(startName, `must not be after ${endName}`);
  return { start: from, end: to };
}

/** Optional bounds (`since`/`until`), with the same reversed-range rule. */
export function optionalTimeRange(since: string | undefined, until: string | undefined, sinceName = 'since', untilName = 'until'): { since?: Date; until?: Date } {
  const from = since === undefined ? undefined : parseIsoTimestamp(since);
  const to = until === undefined ? undefined : parseIsoTimestamp(until);
  if (since !== undefined && !from) throw invalidParameter(sinceName, 'must be one ISO-8601 datetime such as 2025-01-01T00:00:00Z');
  if (until !== undefined && !to) throw invalidParameter(untilName, 'must be one ISO-8601 datetime such as 2025-01-01T00:00:00Z');
  if (from && to && from.getTime() > to.getTime()) throw invalidParameter(sinceName, `must not be after ${untilName}`);
  return { since: from, until: to };
}
