import { FAILURE_CODES, FailureCode, FailureReport } from './model-state';

export class InvalidFailureReportError extends Error {
  constructor(reason: string) {
    super(`invalid report_failure entry: ${reason}`);
    this.name = 'InvalidFailureReportError';
  }
}

/**
 * Reads one entry of `report_failure`; unknown failure codes become UNKNOWN, a missing model_id is an error.
 *
 * @example
 *   parseFailureReport({ model_id: '42', failure_code: 'MULTIPLE_TIMEOUT', failure_reason: 'x', ip: '127.0.0.1' });
 */
export function parseFailureReport(entry: unknown): FailureReport {
  if (entry === null || typeof entry !== 'object') throw new InvalidFailureReportError('not an object');
  const raw = entry as Record<string, unknown>;
  const modelId = typeof raw.model_id === 'number' ? String(raw.model_id) : raw.model_id;
  if (typeof modelId !== 'string' || modelId === '') throw new InvalidFailureReportError('model_id is missing');
  const code = FAILURE_CODES.includes(raw.failure_code as (typeof FAILURE_CODES)[number])
    ? (raw.failure_code as FailureCode)
    : 'UNKNOWN';
  return {
    model_id: modelId,
    failure_code: code,
    failure_reason: typeof raw.failure_reason === 'string' ? raw.failure_reason : '',
    ip: typeof raw.ip === 'string' ? raw.ip : '',
  };
}
