import { TypedValue } from './typed-value';

/** Status codes a model-runner server writes in `Status.code` (model-runner-protocol.md §1). */
export type RunnerStatusCode =
  | 'SUCCESS'
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'BAD_IMPLEMENTATION'
  | 'SETUP_FAILED'
  | 'MODEL_FAILED'
  | 'UNKNOWN';

const FAILURE_CODES: readonly RunnerStatusCode[] = [
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'BAD_IMPLEMENTATION',
  'SETUP_FAILED',
  'MODEL_FAILED',
  'UNKNOWN',
];

/** A Setup/Call that the model (or the request) made fail, with the status code to answer. */
export class ModelRunnerFailure extends Error {
  constructor(
    readonly code: Exclude<RunnerStatusCode, 'SUCCESS'>,
    message: string,
  ) {
    super(message);
    this.name = 'ModelRunnerFailure';
  }

  /** Reads a `{code, message}` reported by a child host; unknown codes become UNKNOWN. */
  static fromReported(reported: unknown, modelId: string): ModelRunnerFailure {
    const error = (reported ?? {}) as { code?: unknown; message?: unknown };
    const code = FAILURE_CODES.includes(error.code as RunnerStatusCode)
      ? (error.code as Exclude<RunnerStatusCode, 'SUCCESS'>)
      : 'UNKNOWN';
    const message = typeof error.message === 'string' ? error.message : `model ${modelId}: unexplained failure`;
    return new ModelRunnerFailure(code, message);
  }
}

/** A host could not start its model (missing interpreter, unreadable code...). */
export class ModelHostStartError extends Error {
  constructor(
    readonly modelId: string,
    reason: string,
  ) {
    super(`model ${modelId} failed to start: ${reason}`);
    this.name = 'ModelHostStartError';
  }
}

/** Why a host stopped being usable on its own: the process died, or a call never returned. */
export interface ModelHostLoss {
  kind: 'crashed' | 'hung';
  reason: string;
}

/**
 * Runs one model instance: the part of the in-container model-runner server behind the gRPC
 * surface. Implementations: in-process (trusted JS), JS child process, Python child process.
 *
 * @example
 *   await host.start();
 *   await host.setup('condorgame.tracker.TrackerBase', [], {});
 *   const result = await host.call('predict', [{ type: 'STRING', text: 'BTC' }], {});
 */
export interface ModelHost {
  readonly isolation: 'inline' | 'process';
  start(): Promise<void>;
  /** Rejects with ModelRunnerFailure for request/model errors. */
  setup(className: string, args: TypedValue[], kwargs: Record<string, TypedValue>): Promise<void>;
  call(method: string, args: TypedValue[], kwargs: Record<string, TypedValue>): Promise<TypedValue>;
  rest(): Promise<void>;
  /** False once the host is lost or stopped. */
  isAlive(): boolean;
  /** Gives up on a call that does not return: process hosts kill their child. */
  abandon(reason: string): void;
  /** Called at most once when the host is lost without being stopped. */
  onLoss(listener: (loss: ModelHostLoss) => void): void;
  stop(): Promise<void>;
}
