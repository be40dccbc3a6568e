import { Logger } from '@nestjs/common';

/** The few log levels the orchestrator writes; Nest's `Logger` fits, tests can pass a silent one. */
export interface OrchestratorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function defaultOrchestratorLogger(): OrchestratorLogger {
  return new Logger('LocalOrchestrator');
}

export const SILENT_LOGGER: OrchestratorLogger = { log() {}, warn() {}, error() {} };
