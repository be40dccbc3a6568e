/**
 * What the coordinator tells the orchestrator when it gives up on a model (spec section 3,
 * `report_failure`). The orchestrator stops the model and broadcasts STOPPED. Both sides of the
 * membership WebSocket use this file: the coordinator writes the message, the local
 * orchestrator reads it.
 *
 * @example
 *   membership.reportFailure({ modelId: 'm1', failureCode: 'MULTIPLE_TIMEOUT', reason: '20 timeouts', ip: '10.0.0.5' });
 */
export const FAILURE_CODES = [
  'CONNECTION_FAILED',
  'BAD_IMPLEMENTATION',
  'MULTIPLE_TIMEOUT',
  'MULTIPLE_FAILED',
  'LOW_PERFORMANCE',
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number];

export interface FailureReport {
  modelId: string;
  failureCode: FailureCode;
  reason: string;
  ip: string;
}

/** A report as an orchestrator receives it: a code outside FAILURE_CODES is recorded as UNKNOWN. */
export interface ReceivedFailureReport extends Omit<FailureReport, 'failureCode'> {
  failureCode: FailureCode | 'UNKNOWN';
}

/** The wire message, exactly as the orchestrator expects it. */
export function reportFailureMessage(report: FailureReport): string {
  return JSON.stringify({
    event: 'report_failure',
    data: [
      {
        model_id: report.modelId,
        failure_code: report.failureCode,
        failure_reason: report.reason,
        ip: report.ip,
      },
    ],
  });
}

export class InvalidFailureReportError extends Error {
  constructor(reason: string) {
    super(`invalid report_failure entry: ${reason}`);
    this.name = 'InvalidFailureReportError';
  }
}

/**
 * Reads one entry of a `report_failure` message (the orchestrator side); unknown failure codes
 * become UNKNOWN, a missing model_id is an error.
 *
 * @example
 *   parseFailureReport({ model_id: '42', failure_code: 'MULTIPLE_TIMEOUT', failure_reason: 'x', ip: '127.0.0.1' });
 *   // { modelId: '42', failureCode: 'MULTIPLE_TIMEOUT', reason: 'x', ip: '127.0.0.1' }
 */
export function parseFailureReport(entry: unknown): ReceivedFailureReport {
  if (entry === null || typeof entry !== 'object') throw new InvalidFailureReportError('not an object');
  const raw = entry as Record<string, unknown>;
  const modelId = typeof raw.model_id === 'number' ? String(raw.model_id) : raw.model_id;
  if (typeof modelId !== 'string' || modelId === '') throw new InvalidFailureReportError('model_id is missing');
  const failureCode = FAILURE_CODES.includes(raw.failure_code as FailureCode) ? (raw.failure_code as FailureCode) : 'UNKNOWN';
  return {
    modelId,
    failureCode,
    reason: typeof raw.failure_reason === 'string' ? raw.failure_reason : '',
    ip: typeof raw.ip === 'string' ? raw.ip : '',
  };
}
