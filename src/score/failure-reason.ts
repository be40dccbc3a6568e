import { MAX_REASON_LENGTH } from './scorers/scorer';

/**
 * A failure text fit to store or show: its first line, whitespace runs collapsed, at most
 * MAX_REASON_LENGTH (200) characters, after `prefix` when one is given (details and tracebacks
 * belong in the logs). Null when there is neither a prefix nor any text. Scoring writes
 * `score_failed_reason` with it; the report reads failure texts through it.
 *
 * @example
 *   shortReason('deadline exceeded\n    at Call.x (call.js:1)', 'TIMEOUT'); // 'TIMEOUT: deadline exceeded'
 *   shortReason('  \n'); // null
 */
export function shortReason(detail: unknown, prefix: string): string;
export function shortReason(detail: unknown, prefix?: string): string | null;
export function shortReason(detail: unknown, prefix?: string): string | null {
  const firstLine = typeof detail === 'string' ? detail.trim().split(/\r?\n/, 1)[0].replace(/\s+/g, ' ').trim() : '';
  const text = prefix === undefined ? firstLine : firstLine ? `${prefix}: ${firstLine}` : prefix;
  if (text === '') return null;
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}
