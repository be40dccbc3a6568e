import type { IncomingMessage } from 'node:http';
import { invalidParameter } from '../query/report-validation.pipe';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/**
 * Whether a request asks for CSV: `?format=csv`, or an Accept header that prefers `text/csv` to
 * `application/json` (named explicitly with a higher q, or first at an equal q; wildcards alone
 * never select CSV). `?format=json` forces JSON; another format is a 400 naming `format`.
 *
 * @example
 *   wantsCsv({ url: '/reports/rounds?format=csv', headers: {} }) // true
 *   wantsCsv({ url: '/reports/rounds', headers: { accept: 'text/csv' } }) // true
 *   wantsCsv({ url: '/reports/rounds', headers: { accept: '*\/*' } }) // false
 */
export function wantsCsv(req: Pick<IncomingMessage, 'url' | 'headers'>): boolean {
  const format = formatParameter(req.url ?? '');
  if (format === 'csv') return true;
  if (format === 'json') return false;
  if (format !== null) throw invalidParameter('format', 'must be json or csv');
  const accept = req.headers.accept;
  if (typeof accept !== 'string' || !accept.includes('text/csv')) return false;
  const csv = preference(accept, 'text/csv');
  const json = preference(accept, 'application/json');
  if (csv === null || csv.q <= 0) return false;
  return json === null || csv.q > json.q || (csv.q === json.q && csv.at < json.at);
}

/** The q and position of `type` named explicitly in an Accept header, or null. */
function preference(accept: string, type: string): { q: number; at: number } | null {
  const parts = accept.split(',');
  for (let at = 0; at < parts.length; at++) {
    const [name, ...params] = parts[at].trim().toLowerCase().split(';');
    if (name.trim() !== type) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return { q: Number.isFinite(q) ? q : 0, at };
  }
  return null;
}

function formatParameter(url: string): string | null {
  const q = url.indexOf('?');
  if (q === -1) return null;
  const values = new URLSearchParams(url.slice(q + 1)).getAll('format');
  if (values.length === 0) return null;
  return values.length === 1 ? values[0].trim().toLowerCase() : 'repeated';
}

/** `attachment; filename="rounds.csv"` from the route's path (`/reports/predictions/latest` -> predictions-latest.csv). */
export function csvFileName(url: string): string {
  const path = url.split('?')[0].replace(/^\/+|\/+$/g, '').replace(/^reports\//, '');
  const name = path.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'report';
  return `attachment; filename="${name}.csv"`;
}
