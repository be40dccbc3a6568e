/**
 * What the coordinator tells the orchestrator when it gives up on a model (spec section 3,
 * `report_failure`). The orchestrator stops the model and broadcasts STOPPED.
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
