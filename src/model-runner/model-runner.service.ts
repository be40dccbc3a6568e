import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { map, Observable, share } from 'rxjs';
import { ModelCallMetrics } from '../metrics/model-call.metrics';
import { OrchestratorMembershipClient } from './membership/orchestrator-membership.client';
import type { ModelState } from './protocol/model-state';
import { MODEL_RUNNER_OPTIONS, ModelRunnerOptions, resolveModelRunnerOptions, ResolvedModelRunnerOptions } from './model-runner.options';
import { PoolEvent, ModelRunnerPool } from './model-runner-pool';
import { CallOutcome, CallStatus, ModelRunner, withJsonResult } from './runner/model-runner';
import { EncodedCall } from './grpc/encoded-call';
import { SetupSlots } from './runner/setup-slots';
import type { JsonText } from './variant/json-text';
import { InsecureChannelSecurity, ModelChannelSecurity } from './security/channel-security';
import { GatewayChannelSecurity } from './security/gateway-channel-security';
import { MutualTlsChannelSecurity } from './security/mtls-channel-security';
import { ArgumentEncodeError, CallArguments, encodeCallArguments } from './variant/call-arguments';


export type { CallStatus } from './runner/model-runner';
export type { TypedValue } from './variant/variant';
export type { CallArguments } from './variant/call-arguments';

export interface ModelCallResult {
  modelId: string;
  deploymentId: string;
  status: CallStatus;
  result: unknown;
  execTimeUs: number;
  error?: string;
  /** A plain JSON result as received (not enumerable; `result` is decoded from it on first read). */
  readonly json?: JsonText;
}

/** Options of one fan-out call (ModelRunnerService.call). */
export interface ModelCallOptions {
  /** Only these running models (default: every running model). */
  modelIds?: string[];
  /** Each call's deadline (default: the runner's callTimeoutMs). */
  timeoutMs?: number;
  /** Called with each model's result as it arrives, before the call's promise resolves. */
  onResult?: (result: ModelCallResult) => void;
}

export interface ModelIdentity {
  modelId: string;
  deploymentId: string;
  modelName: string;
  cruncherId: string;
  cruncherName: string;
  ip: string;
  port: number;
  infos: Record<string, unknown>;
}

export type MembershipEvent = { type: 'joined' | 'updated' | 'left'; model: ModelIdentity; reason?: string };

export interface ModelRunnerHealth {
  status: 'up' | 'down' | 'degraded';
  connected: boolean;
  runningModels: number;
  pendingModels: number;
  lastMessageAt: string | null;
}

/**
 * The facade the predict module uses to reach participant models: membership from the
 * orchestrator, one gRPC runner per running model, concurrent fan-out calls.
 *
 * @example
 *   modelRunner.membership$.subscribe((event) => event.type === 'joined' && sendHistory(event.model));
 *   const results = await modelRunner.call('predict', (model) => ({
 *     positional: [{ type: 'STRING', value: 'BTC' }, { type: 'INT', value: 3600 }, { type: 'INT', value: 300 }],
 *   }), { timeoutMs: 5_000 });
 */
@Injectable()
export class ModelRunnerService implements OnApplicationShutdown {
  private readonly logger = new Logger('ModelRunnerService');
  private readonly options: ResolvedModelRunnerOptions;
  private readonly membership: OrchestratorMembershipClient;
  private readonly pool: ModelRunnerPool<ModelRunner>;
  private readonly security: ModelChannelSecurity;
  private started = false;
  private stopped = false;
  /** 'joined' when a runner is promoted to running (Setup done), 'updated' on new infos, 'left' when removed. */
  readonly membership$: Observable<MembershipEvent>;

  constructor(
    @Inject(MODEL_RUNNER_OPTIONS) options: ModelRunnerOptions,
    @Optional() private readonly callMetrics?: ModelCallMetrics,
  ) {
    this.options = resolveModelRunnerOptions(options);
    this.security = createSecurity(this.options);
    this.membership = new OrchestratorMembershipClient({
      url: `ws://${this.options.host}:${this.options.port}/${encodeURIComponent(this.options.crunchId)}`,
      reconnectInitialMs: this.options.reconnectBackoffMs,
      reconnectMaxMs: this.options.reconnectMaxBackoffMs,
    });
    const settings = { ...this.options, baseClassName: this.options.baseClassName };
    const setupSlots = new SetupSlots(this.options.setupConcurrency);
    this.pool = new ModelRunnerPool<ModelRunner>(
      (model, onGiveUp) => new ModelRunner(model, settings, this.security, onGiveUp, setupSlots),
      (report) => this.membership.reportFailure(report),
    );
    this.membership$ = this.pool.events$.pipe(
      map((event: PoolEvent): MembershipEvent => ({ type: event.type, model: toIdentity(event.model), reason: event.reason })),
      share(),
    );
    this.membership.messages$.subscribe((message) => this.pool.apply(message));
  }

  /** Connects to the orchestrator; models join as their Setup succeeds. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.logger.log(
      `connecting to the orchestrator at ws://${this.options.host}:${this.options.port}/${this.options.crunchId} ` +
        `(${this.options.securityMode} model channels)`,
    );
    this.membership.start();
  }

  /** Closes the orchestrator connection and every model channel. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.pool.closeAll();
    await this.membership.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  runningModels(): ModelIdentity[] {
    return this.pool.running().map((runner) => toIdentity(runner.model));
  }

  /**
   * Calls `method` on every running model (or those of `opts.modelIds`) concurrently, one
   * result per targeted running model, in the runners' order; never rejects. Arguments may
   * depend on the model (e.g. the full history for a model that just joined). A model id that
   * is not running gets no result.
   *
   * Each distinct arguments object is encoded once per call, into the CallRequest bytes every
   * model it is for receives: shared arguments, or the same object returned for many models
   * (the tick payload of every model at one watermark), cost one encoding, not one per model.
   *
   * `opts.onResult` sees each model's result as soon as it is known, before the promise
   * resolves (the predict round stores the answers already in while the slower calls are still
   * in flight); the array resolved at the end holds the same result objects. An `onResult` that
   * throws is logged and changes nothing else.
   */
  call(
    method: string,
    args: CallArguments | ((model: ModelIdentity) => CallArguments),
    opts: ModelCallOptions = {},
  ): Promise<ModelCallResult[]> {
    const runners = opts.modelIds
      ? opts.modelIds.map((id) => this.pool.runningRunner(id)).filter((r): r is ModelRunner => r !== undefined)
      : this.pool.running();
    if (runners.length === 0) return Promise.resolve([]);
    const timeoutMs = opts.timeoutMs ?? this.options.callTimeoutMs;
    const encodings = new Map<CallArguments, EncodedCall | Error>();
    const encoded = (callArgs: CallArguments): EncodedCall | Error => {
      let request = encodings.get(callArgs);
      if (!request) {
        request = safeEncode(method, callArgs);
        encodings.set(callArgs, request);
      }
      return request;
    };
    const shared = typeof args === 'function' ? null : encoded(args);
    const record = this.callMetrics?.recorderFor(method);
    const onResult = opts.onResult;
    return new Promise((resolve) => {
      const results = new Array<ModelCallResult>(runners.length);
      let pending = runners.length;
      runners.forEach((runner, index) => {
        const model = runner.model;
        const done = (outcome: CallOutcome) => {
          record?.(outcome.status, outcome.execTimeUs);
          const result = modelCallResult(model, outcome);
          results[index] = result;
          if (onResult) this.announce(onResult, result, method);
          if (--pending === 0) resolve(results);
        };
        const request = shared ?? encodedFor(model);
        if (request instanceof Error) {
          this.logger.error(`cannot encode ${method} arguments for model ${model.model_id}: ${request.message}`);
          return done({ status: 'FAILED', result: null, execTimeUs: 0, error: `coordinator could not encode arguments: ${request.message}`, json: null });
        }
        runner.submit(request, timeoutMs, done);
      });
    });

    function encodedFor(model: ModelState): EncodedCall | Error {
      try {
        return encoded((args as (m: ModelIdentity) => CallArguments)(toIdentity(model)));
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    }
  }

  private announce(onResult: (result: ModelCallResult) => void, result: ModelCallResult, method: string): void {
    try {
      onResult(result);
    } catch (error) {
      this.logger.error(`the ${method} result handler failed for model ${result.modelId}: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  /** Tells the orchestrator the coordinator disabled a model for poor scores, and drops it. */
  reportLowPerformance(modelId: string, reason: string): void {
    if (!this.pool.reportAndDrop(modelId, 'LOW_PERFORMANCE', reason)) {
      this.logger.warn(`reported LOW_PERFORMANCE for model ${modelId}, which has no runner here`);
    }
  }

  health(): ModelRunnerHealth {
    const connected = this.membership.connected;
    const runningModels = this.pool.running().length;
    const status = !this.started || this.stopped ? 'down' : connected ? 'up' : runningModels > 0 ? 'degraded' : 'down';
    return {
      status,
      connected,
      runningModels,
      pendingModels: this.pool.pendingCount,
      lastMessageAt: this.membership.lastMessageAt?.toISOString() ?? null,
    };
  }
}

function safeEncode(method: string, args: CallArguments): EncodedCall | Error {
  try {
    return EncodedCall.of(method, encodeCallArguments(args));
  } catch (error) {
    return error instanceof ArgumentEncodeError ? error : new Error(String(error));
  }
}

function modelCallResult(model: ModelState, { status, result, execTimeUs, error, json }: CallOutcome): ModelCallResult {
  const modelId = model.model_id;
  const deploymentId = model.deployment_id;
  if (json) return withJsonResult({ modelId, deploymentId, status, execTimeUs }, json);
  return error === undefined ? { modelId, deploymentId, status, result, execTimeUs } : { modelId, deploymentId, status, result, execTimeUs, error };
}

function toIdentity(model: ModelState): ModelIdentity {
  return {
    modelId: model.model_id,
    deploymentId: model.deployment_id,
    modelName: model.infos.model_name ?? model.model_id,
    cruncherId: model.infos.cruncher_id ?? '',
    cruncherName: model.infos.cruncher_name ?? '',
    ip: model.ip,
    port: model.port,
    infos: { ...model.infos },
  };
}

function createSecurity(options: ResolvedModelRunnerOptions): ModelChannelSecurity {
  switch (options.securityMode) {
    case 'secure':
      return MutualTlsChannelSecurity.fromDirectory(options.credentialsDir!);
    case 'gateway':
      return GatewayChannelSecurity.fromKeyFile(options.gatewayKeyPath!, options.gatewayCaPath);
    default:
      return new InsecureChannelSecurity();
  }
}

