import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import type { FailureCode } from '../protocol/failure-report';
import type { ModelState } from '../protocol/model-state';
import { ModelUnusableError, ServerIdentityError } from '../model-runner.errors';
import { alreadySerialized, CALL_PATH, deserializeCallResponse, EncodedCall } from '../grpc/encoded-call';
import { CallResponseMessage, modelRunnerProtos, ServingStatus, SetupResponseMessage } from '../grpc/model-runner-protos';
import type { ModelChannelSecurity } from '../security/channel-security';
import type { WireArguments } from '../variant/call-arguments';
import { JsonText, plainJsonText } from '../variant/json-text';
import { decodeVariant, VariantType } from '../variant/variant';
import { CallOutcomeCounters } from './call-outcome-counters';
import { SetupSlots } from './setup-slots';

const UNBOUNDED_SETUP = SetupSlots.unbounded();

export type CallStatus = 'SUCCESS' | 'FAILED' | 'TIMEOUT';

export interface RunnerCallResult {
  status: CallStatus;
  result: unknown;
  /** Microseconds around the RPC attempt (0 when nothing was sent). */
  execTimeUs: number;
  error?: string;
  /**
   * A JSON result kept as text (plain JSON only, see JsonText): `result` then decodes it on
   * first read. Not enumerable, so results compare and print as before.
   */
  readonly json?: JsonText;
}

/**
 * A SUCCESS whose `result` is decoded from `json` only when read (a caller that stores the text
 * never pays for the objects). `json` and the lazy `result` are defined on the object itself;
 * copy such a result with `withJsonResult`, not with a spread (which would decode it).
 *
 * @example
 *   const r = withJsonResult({ modelId: 'm1', status: 'SUCCESS', execTimeUs: 10 }, plainJsonText(bytes)!);
 *   r.json.text;   // the text as received
 *   r.result;      // decoded now
 */
export function withJsonResult<T extends object>(fields: T, json: JsonText): T & { result: unknown; readonly json: JsonText } {
  const target = fields as T & { result: unknown; json: JsonText };
  Object.defineProperty(target, 'result', { get: () => json.value(), enumerable: true, configurable: true });
  Object.defineProperty(target, 'json', { value: json, enumerable: false, configurable: true });
  return target;
}

export interface ModelRunnerSettings {
  /** The participant base class path sent in Setup (e.g. `condorgame.tracker.TrackerBase`). */
  baseClassName: string;
  instanceArguments?: WireArguments;
  /** The channel must be ready within this (reference: 10 s). */
  connectTimeoutMs: number;
  setupTimeoutMs: number;
  /**
   * Setup attempts (reference: 5) and the first backoff, doubled after each attempt (reference:
   * 2 s) and up to a quarter longer at random.
   */
  setupAttempts: number;
  setupBackoffMs: number;
  callTimeoutMs: number;
  healthCheckTimeoutMs: number;
  maxConsecutiveFailures: number;
  maxConsecutiveTimeouts: number;
  cooldownAfterTimeouts: number;
  maxCooldownSkips: number;
}

type GrpcClient = grpc.Client & Record<string, (...args: any[]) => grpc.ClientUnaryCall>;

/**
 * What one call came to, as `submit` hands it over: `json` is the plain JSON text of a SUCCESS
 * (then `result` is null until decoded from it, see withJsonResult), null otherwise.
 */
export interface CallOutcome {
  status: CallStatus;
  result: unknown;
  execTimeUs: number;
  error?: string;
  json: JsonText | null;
}

interface QueuedCall {
  request: EncodedCall;
  /** Date.now() after which the call is not sent any more. */
  deadlineAt: number;
  done: (outcome: CallOutcome) => void;
}

/** How one Setup attempt went, when it did not succeed. */
type SetupAttemptFailure = { kind: 'connect' | 'failed' | 'fatal'; failure?: ModelUnusableError; reason: string };

/**
 * One model deployment reached over gRPC (spec section 4): connect, `Setup`, then calls made
 * strictly one at a time (the model server answers a second concurrent RPC with
 * RESOURCE_EXHAUSTED). Calls submitted while one is in flight are queued in order; their
 * deadline runs from submission, so a call still queued when its deadline passes returns
 * TIMEOUT without being sent (and without counting against the model: the call that
 * held the line already did).
 *
 * When the model has to be dropped (too many failures/timeouts, failed reconnect, bad identity)
 * the runner calls `onGiveUp` once; its owner reports the failure and closes it.
 *
 * @example
 *   const runner = new ModelRunner(model, settings, new InsecureChannelSecurity(), (failure) => pool.drop(failure));
 *   await runner.start();                       // throws ModelUnusableError
 *   const r = await runner.call('predict', encodeCallArguments(args));
 */
export class ModelRunner {
  private readonly logger: Logger;
  private client: GrpcClient | null = null;
  private healthClient: GrpcClient | null = null;
  /** A call is in flight (or its health check runs): later calls wait in `waiting`, in order. */
  private busy = false;
  private waiting: QueuedCall[] | null = null;
  private closedFlag = false;
  private gaveUp = false;
  private needsHealthCheck = false;
  readonly counters: CallOutcomeCounters;

  constructor(
    private current: ModelState,
    private readonly settings: ModelRunnerSettings,
    private readonly security: ModelChannelSecurity,
    private readonly onGiveUp: (failure: ModelUnusableError) => void,
    /** Shared by the runners of one coordinator: bounds the connects and Setups in flight. */
    private readonly setupSlots: SetupSlots = UNBOUNDED_SETUP,
  ) {
    this.logger = new Logger(`ModelRunner ${current.model_id}`);
    this.counters = new CallOutcomeCounters(settings);
  }

  get model(): ModelState {
    return this.current;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Takes new names/infos from a RUNNING update at the same address. */
  updateInfos(model: ModelState): void {
    this.current = { ...this.current, infos: model.infos };
  }

  /** Opens the channel and runs Setup with retries; throws ModelUnusableError when it cannot. */
  async start(): Promise<void> {
    let last: SetupAttemptFailure = { kind: 'connect', reason: 'no attempt made' };
    for (let attempt = 1; attempt <= this.settings.setupAttempts; attempt += 1) {
      // Up to a quarter longer at random, so models that failed together do not retry in step.
      if (attempt > 1) await sleep(this.settings.setupBackoffMs * 2 ** (attempt - 2) * (1 + Math.random() / 4));
      if (this.closedFlag) throw this.failure(null, 'runner closed during setup');
      const release = await this.setupSlots.acquire();
      let outcome: SetupAttemptFailure | null;
      try {
        if (this.closedFlag) throw this.failure(null, 'runner closed during setup');
        outcome = await this.setupOnce();
      } finally {
        release();
      }
      if (outcome === null) return;
      last = outcome;
      if (outcome.kind === 'fatal') throw outcome.failure!;
      this.logger.warn(`setup attempt ${attempt}/${this.settings.setupAttempts} failed: ${outcome.reason}`);
    }
    const code: FailureCode = last.kind === 'connect' ? 'CONNECTION_FAILED' : 'MULTIPLE_FAILED';
    throw this.failure(code, `setup failed after ${this.settings.setupAttempts} attempts: ${last.reason}`);
  }

  /** Calls a method of the model; never rejects. */
  call(method: string, args: WireArguments, timeoutMs = this.settings.callTimeoutMs): Promise<RunnerCallResult> {
    return new Promise((resolve) =>
      this.submit(EncodedCall.of(method, args), timeoutMs, (outcome) => resolve(runnerCallResult(outcome))),
    );
  }

  /**
   * Sends an already encoded call (the same bytes may go to many models) and hands its outcome
   * to `done`, exactly once; never throws. The fan-out path: no promise per call.
   */
  submit(request: EncodedCall, timeoutMs: number, done: (outcome: CallOutcome) => void): void {
    if (this.closedFlag) return done(notSent('FAILED', `model ${this.current.model_id} runner is closed`));
    if (this.counters.takeCooldownSkip(request.method)) {
      const timeouts = this.counters.timeoutsOf(request.method);
      return done(notSent('TIMEOUT', `skipped: cooling down after ${timeouts} consecutive ${request.method} timeouts`));
    }
    const queued: QueuedCall = { request, deadlineAt: Date.now() + timeoutMs, done };
    if (this.busy) (this.waiting ??= []).push(queued);
    else this.send(queued);
  }

  /** Closes the channel; queued calls return FAILED. In-flight calls finish on their own. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.dropChannel();
  }

  /** Sends one call now (this model's line is free); its outcome then lets the next one go. */
  private send(queued: QueuedCall): void {
    this.busy = true;
    if (this.closedFlag) return this.finish(queued, notSent('FAILED', `model ${this.current.model_id} runner is closed`));
    const remaining = queued.deadlineAt - Date.now();
    if (remaining <= 0) return this.finish(queued, notSent('TIMEOUT', 'not sent: the previous call to this model was still running'));
    const client = this.client;
    if (!client) return this.finish(queued, this.transportProblem(queued.request.method, channelClosedError(), 0));

    const method = queued.request.method;
    const verifies = this.security.verifiesServer !== false;
    let initialMetadata: grpc.Metadata | null = null;
    const started = performance.now();
    // grpc-js captures a stack trace per call (kept for its error messages, which this runner
    // does not show): it was the largest single item of the client in a 1,000-model round profile.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let call: grpc.ClientUnaryCall | undefined;
    try {
      call = client.makeUnaryRequest(
        CALL_PATH,
        alreadySerialized,
        deserializeCallResponse,
        queued.request.bytes,
        this.security.callMetadata(this.current),
        { deadline: Date.now() + Math.max(1, remaining) },
        (error: grpc.ServiceError | null, response?: CallResponseMessage) => {
          const execTimeUs = Math.floor((performance.now() - started) * 1000);
          let outcome: CallOutcome;
          if (error) outcome = this.transportProblem(method, error, execTimeUs);
          else {
            const identityError = verifies ? this.identityProblem(initialMetadata, call!) : null;
            outcome = identityError ? this.identityRejected(identityError, execTimeUs) : this.answered(method, response, execTimeUs);
          }
          this.finish(queued, outcome);
        },
      );
    } catch (error) {
      // grpc-js refuses to start a call on a channel that was shut down meanwhile.
      this.logger.warn(`${method} could not be started: ${(error as Error).message}`);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    if (!call) return this.finish(queued, this.transportProblem(method, channelClosedError(), 0));
    if (verifies) {
      call.on('metadata', (metadata: grpc.Metadata) => {
        initialMetadata = metadata;
      });
    }
  }

  /** Hands an outcome over, runs the health check timeouts asked for, then sends the next call. */
  private finish(queued: QueuedCall, outcome: CallOutcome): void {
    try {
      queued.done(outcome);
    } catch (error) {
      this.logger.error(`a caller's handler of ${queued.request.method} threw: ${(error as Error).stack ?? error}`);
    }
    if (this.needsHealthCheck && !this.closedFlag && !this.gaveUp) {
      this.maintain()
        .catch((error: unknown) => this.logger.error(`maintenance after ${queued.request.method} failed: ${(error as Error).message}`))
        .finally(() => this.next());
      return;
    }
    this.next();
  }

  private next(): void {
    const queued = this.waiting?.shift();
    if (queued) this.send(queued);
    else this.busy = false;
  }

  private identityProblem(initialMetadata: grpc.Metadata | null, call: grpc.ClientUnaryCall): ServerIdentityError | null {
    try {
      this.security.verifyServer(this.current, initialMetadata, call);
      return null;
    } catch (error) {
      return error instanceof ServerIdentityError ? error : new ServerIdentityError(this.current.model_id, String(error));
    }
  }

  private identityRejected(error: ServerIdentityError, execTimeUs: number): CallOutcome {
    this.giveUp(this.failure('CONNECTION_FAILED', error.message));
    return { status: 'FAILED', result: null, execTimeUs, error: error.message, json: null };
  }

  /** The outcome of a call the model answered (any status). */
  private answered(method: string, response: CallResponseMessage | undefined, execTimeUs: number): CallOutcome {
    const status = response?.status;
    const code = status?.code ?? '';
    if (code === 'SUCCESS') {
      const methodResponse = response!.methodResponse;
      // Plain JSON is checked here (so an unreadable answer still fails now) but decoded on demand.
      const json = methodResponse?.type === VariantType.JSON && methodResponse.value ? plainJsonText(methodResponse.value) : null;
      if (json) {
        this.counters.recordSuccess(method);
        return { status: 'SUCCESS', result: null, execTimeUs, json };
      }
      let result: unknown;
      try {
        result = decodeVariant(methodResponse);
      } catch (error) {
        return this.modelFailed(method, `${method} returned an unreadable result: ${(error as Error).message}`, execTimeUs);
      }
      this.counters.recordSuccess(method);
      return { status: 'SUCCESS', result, execTimeUs, json: null };
    }
    const detail = `${method} answered ${code || 'no status'}${status?.message ? `: ${status.message}` : ''}`;
    if (code === 'INVALID_ARGUMENT' || code === 'FAILED_PRECONDITION') {
      // The coordinator sent something the model server cannot take: our bug, not the model's.
      this.logger.error(`COORDINATOR MISUSE calling ${method} on model ${this.current.model_id}: ${detail}`);
      return { status: 'FAILED', result: null, execTimeUs, error: detail, json: null };
    }
    if (code === 'BAD_IMPLEMENTATION') {
      return this.modelFailed(method, `${detail} (the model does not implement ${method})`, execTimeUs);
    }
    return this.modelFailed(method, detail, execTimeUs);
  }

  private modelFailed(method: string, error: string, execTimeUs: number): CallOutcome {
    const verdict = this.counters.recordFailure(method);
    if (verdict.giveUp) this.giveUp(this.failure(verdict.giveUp.failureCode, `${verdict.giveUp.reason}; last: ${error}`));
    return { status: 'FAILED', result: null, execTimeUs, error, json: null };
  }

  private transportProblem(method: string, error: grpc.ServiceError, execTimeUs: number): CallOutcome {
    const verdict = this.counters.recordTimeout(method);
    const timedOut = error.code === grpc.status.DEADLINE_EXCEEDED;
    const message = timedOut ? `${method} timed out` : `${method} transport error: ${error.details || error.message}`;
    if (verdict.giveUp) this.giveUp(this.failure(verdict.giveUp.failureCode, `${verdict.giveUp.reason}; last: ${message}`));
    else if (verdict.healthCheck) this.needsHealthCheck = true;
    return { status: timedOut ? 'TIMEOUT' : 'FAILED', result: null, execTimeUs, error: message, json: null };
  }

  /** Runs, before the next queued call, the health check that timeouts asked for. */
  private async maintain(): Promise<void> {
    this.needsHealthCheck = false;
    const serving = await this.checkHealth();
    if (serving) return;
    this.logger.warn(`not SERVING after ${this.counters.consecutiveTimeouts} consecutive timeouts; reconnecting`);
    this.dropChannel();
    try {
      await this.start();
    } catch (error) {
      const failure = error instanceof ModelUnusableError ? error : this.failure('CONNECTION_FAILED', String(error));
      this.giveUp(failure);
    }
  }

  /** grpc.health.v1.Health/Check with service "": only SERVING is healthy. */
  async checkHealth(): Promise<boolean> {
    const health = this.healthClient;
    if (!health) return false;
    return new Promise((resolve) => {
      health.Check(
        { service: '' },
        this.security.callMetadata(this.current),
        { deadline: Date.now() + this.settings.healthCheckTimeoutMs },
        (error: grpc.ServiceError | null, response: { status?: number } | undefined) => {
          resolve(!error && response?.status === ServingStatus.SERVING);
        },
      );
    });
  }

  private async setupOnce(): Promise<SetupAttemptFailure | null> {
    const client = this.ensureChannel();
    const ready = await new Promise<Error | undefined>((resolve) =>
      client.waitForReady(Date.now() + this.settings.connectTimeoutMs, (error) => resolve(error)),
    );
    if (ready) return { kind: 'connect', reason: `cannot connect to ${this.address} within ${this.settings.connectTimeoutMs} ms` };

    const request = {
      className: this.settings.baseClassName,
      instanceArguments: this.settings.instanceArguments?.arguments ?? [],
      instanceKwArguments: this.settings.instanceArguments?.kwArguments ?? [],
    };
    const answer = await this.unary<SetupResponseMessage>('Setup', request, this.settings.setupTimeoutMs);
    if (answer.identityError) {
      return { kind: 'fatal', failure: this.failure('CONNECTION_FAILED', answer.identityError.message), reason: '' };
    }
    if (answer.error) {
      // Unreachable, or refused by the node/gateway authentication: the model cannot be connected to.
      const cannotConnect = [grpc.status.UNAVAILABLE, grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED];
      const kind = cannotConnect.includes(answer.error.code) ? 'connect' : 'failed';
      return { kind, reason: `Setup transport error: ${answer.error.details || answer.error.message}` };
    }
    const status = answer.response?.status;
    const detail = `Setup answered ${status?.code || 'no status'}${status?.message ? `: ${status.message}` : ''}`;
    switch (status?.code) {
      case 'SUCCESS':
        return null;
      case 'BAD_IMPLEMENTATION':
        return { kind: 'fatal', failure: this.failure('BAD_IMPLEMENTATION', detail), reason: detail };
      case 'INVALID_ARGUMENT':
        this.logger.error(`COORDINATOR MISUSE in Setup(className=${this.settings.baseClassName}): ${detail}`);
        return { kind: 'fatal', failure: this.failure(null, `coordinator misuse: ${detail}`), reason: detail };
      default:
        return { kind: 'failed', reason: detail };
    }
  }

  /** One Setup RPC with the security mode's metadata and server check; never rejects. */
  private unary<T>(
    method: 'Setup',
    request: unknown,
    timeoutMs: number,
  ): Promise<{ response?: T; error?: grpc.ServiceError; identityError?: ServerIdentityError }> {
    const client = this.client;
    if (!client) return Promise.resolve({ error: channelClosedError() });
    return new Promise((resolve) => {
      let initialMetadata: grpc.Metadata | null = null;
      const call: grpc.ClientUnaryCall = client[method](
        request,
        this.security.callMetadata(this.current),
        { deadline: Date.now() + Math.max(1, timeoutMs) },
        (error: grpc.ServiceError | null, response: T) => {
          if (error) return resolve({ error });
          try {
            this.security.verifyServer(this.current, initialMetadata, call);
          } catch (identityError) {
            if (identityError instanceof ServerIdentityError) return resolve({ identityError });
            return resolve({ identityError: new ServerIdentityError(this.current.model_id, String(identityError)) });
          }
          resolve({ response });
        },
      );
      call.on('metadata', (metadata: grpc.Metadata) => {
        initialMetadata = metadata;
      });
    });
  }

  private ensureChannel(): GrpcClient {
    if (this.client) return this.client;
    const protos = modelRunnerProtos();
    const { credentials, options } = this.security.channel(this.current);
    // A private subchannel pool, so a reconnect really opens a new connection.
    const channelOptions = { ...options, 'grpc.use_local_subchannel_pool': 1, 'grpc.enable_channelz': 0 };
    this.client = new protos.DynamicSubclassService(this.address, credentials, channelOptions) as unknown as GrpcClient;
    this.healthClient = new protos.Health(this.address, credentials, {
      ...channelOptions,
      channelOverride: this.client.getChannel(),
    }) as unknown as GrpcClient;
    return this.client;
  }

  private dropChannel(): void {
    this.client?.close();
    this.client = null;
    this.healthClient = null;
  }

  private get address(): string {
    const host = this.current.ip.includes(':') && !this.current.ip.startsWith('[') ? `[${this.current.ip}]` : this.current.ip;
    return `${host}:${this.current.port}`;
  }

  private giveUp(failure: ModelUnusableError): void {
    if (this.gaveUp || this.closedFlag) return;
    this.gaveUp = true;
    this.onGiveUp(failure);
  }

  private failure(code: FailureCode | null, reason: string): ModelUnusableError {
    return new ModelUnusableError(this.current.model_id, code, reason);
  }
}

/** A call's outcome in the RunnerCallResult form (a JSON result decoded on first read). */
export function runnerCallResult({ status, result, execTimeUs, error, json }: CallOutcome): RunnerCallResult {
  if (json) return withJsonResult({ status, execTimeUs }, json);
  return error === undefined ? { status, result, execTimeUs } : { status, result, execTimeUs, error };
}

function notSent(status: CallStatus, error: string): CallOutcome {
  return { status, result: null, execTimeUs: 0, error, json: null };
}

function channelClosedError(): grpc.ServiceError {
  return Object.assign(new Error('channel closed'), { code: grpc.status.UNAVAILABLE, details: 'channel closed', metadata: new grpc.Metadata() });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
