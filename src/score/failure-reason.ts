import { MAX_REASON_LENGTH } from './scorers/scorer';

/**
 * A reason fit for `score_failed_reason`: one line, no stack trace, at most 200 characters
 * (details belong in the logs).
 *
 * @example
 *   shortReason('TIMEOUT', 'deadline exceeded\n    at Call.x (call.js:1)'); // 'TIMEOUT: deadline exceeded'
 */
export function shortReason(prefix: string, detail?: string | null): string {
  const firstLine = (detail ?? '').split(/\r?\n/)[0].replace(/\s+/g, ' ').trim();
  const text = firstLine ? `${prefix}: ${firstLine}` : prefix;
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}
