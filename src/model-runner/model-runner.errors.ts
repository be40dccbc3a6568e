import type { FailureCode } from './protocol/failure-report';

/**
 * Why a model could not be brought up or had to be dropped. `failureCode` is what the
 * orchestrator is told; null means the coordinator itself is at fault (misuse), so nothing
 * is reported against the model. (A model server's own failed Setup/Call is a status in its
 * answer: the local orchestrator's ModelRunnerFailure.)
 */
export class ModelUnusableError extends Error {
  constructor(
    readonly modelId: string,
    readonly failureCode: FailureCode | null,
    reason: string,
  ) {
    super(`model ${modelId}: ${reason}`);
    this.name = 'ModelUnusableError';
  }

  get reason(): string {
    return this.message.slice(`model ${this.modelId}: `.length);
  }
}

/** The server's identity proof (secure mode) is missing or wrong. */
export class ServerIdentityError extends Error {
  constructor(readonly modelId: string, reason: string) {
    super(`model ${modelId}: server identity rejected: ${reason}`);
    this.name = 'ServerIdentityError';
  }
}

/** Security material (certificates, keys) could not be loaded: a configuration error. */
export class SecurityConfigError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'SecurityConfigError';
  }
}
