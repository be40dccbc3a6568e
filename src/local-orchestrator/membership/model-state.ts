/**
 * What the orchestrator tells the coordinator about one deployment of a model
 * (model-runner-protocol.md §3), exactly as it goes on the wire.
 *
 * @example
 *   { model_id: '42', deployment_id: '42_20260101_120000_000', state: 'RUNNING', ip: '127.0.0.1', port: 50123,
 *     infos: { model_name: 'ewma', cruncher_id: 'c1', cruncher_name: 'alice', cruncher_wallet_pubkey: '', cruncher_hotkey: null } }
 */
export type ModelRunState = 'RUNNING' | 'STOPPED' | 'RECOVERING';

export interface ModelInfos {
  model_name: string;
  cruncher_id: string;
  cruncher_name: string;
  cruncher_wallet_pubkey: string;
  cruncher_hotkey: string | null;
}

export interface ModelState {
  model_id: string;
  deployment_id: string;
  state: ModelRunState;
  ip: string;
  port: number;
  infos: ModelInfos;
}

/** Failure codes a client may report; anything else is recorded as UNKNOWN. */
export const FAILURE_CODES = [
  'CONNECTION_FAILED',
  'BAD_IMPLEMENTATION',
  'MULTIPLE_TIMEOUT',
  'MULTIPLE_FAILED',
  'LOW_PERFORMANCE',
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number] | 'UNKNOWN';

/** One entry of a client's `report_failure` message. */
export interface FailureReport {
  model_id: string;
  failure_code: FailureCode;
  failure_reason: string;
  ip: string;
}
