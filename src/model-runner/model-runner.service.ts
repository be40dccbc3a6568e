import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { map, Observable, share } from 'rxjs';
import { OrchestratorMembershipClient } from './membership/orchestrator-membership.client';
import type { ModelState } from './protocol/model-state';
import { MODEL_RUNNER_OPTIONS, ModelRunnerOptions, resolveModelRunnerOptions, ResolvedModelRunnerOptions } from './model-runner.options';
import { PoolEvent, ModelRunnerPool } from './model-runner-pool';
import { CallStatus, ModelRunner, withJsonResult } from './runner/model-runner';
import type { JsonText } from './variant/json-text';
import { InsecureChannelSecurity, ModelChannelSecurity } from './security/channel-security';
import { GatewayChannelSecurity } from './security/gateway-channel-security';
import { MutualTlsChannelSecurity } from './security/mtls-channel-security';
import { ArgumentEncodeError, CallArguments, encodeCallArguments, WireArguments } from './variant/call-arguments';


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

  constructor(@Inject(MODEL_RUNNER_OPTIONS) options: ModelRunnerOptions) {
    this.options = resolveModelRunnerOptions(options);
    this.security = createSecurity(this.options);
    this.membership = new OrchestratorMembershipClient({
      url: `ws://${this.options.host}:${this.options.port}/${encodeURIComponent(this.options.crunchId)}`,
      reconnectInitialMs: this.options.reconnectBackoffMs,
      reconnectMaxMs: this.options.reconnectMaxBackoffMs,
    });
    const settings = { ...this.options, baseClassName: this.options.baseClassName };
    this.pool = new ModelRunnerPool<ModelRunner>(
      (model, onGiveUp) => new ModelRunner(model, settings, this.security, onGiveUp),
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
   * result per targeted running model; never rejects. Arguments may depend on the model
   * (e.g. the full history for a model that just joined). A model id that is not running
   * gets no result.
   */
  async call(
    method: string,
    args: CallArguments | ((model: ModelIdentity) => CallArguments),
    opts: { modelIds?: string[]; timeoutMs?: number } = {},
  ): Promise<ModelCallResult[]> {
    const runners = opts.modelIds
      ? opts.modelIds.map((id) => this.pool.runningRunner(id)).filter((r): r is ModelRunner => r !== undefined)
      : this.pool.running();
    const shared = typeof args === 'function' ? null : safeEncode(args);
    return Promise.all(
      runners.map(async (runner): Promise<ModelCallResult> => {
        const model = runner.model;
        const base = { modelId: model.model_id, deploymentId: model.deployment_id };
        const wire = shared ?? safeEncode((args as (m: ModelIdentity) => CallArguments)(toIdentity(model)));
        if (wire instanceof Error) {
          this.logger.error(`cannot encode ${method} arguments for model ${model.model_id}: ${wire.message}`);
          return { ...base, status: 'FAILED', result: null, execTimeUs: 0, error: `coordinator could not encode arguments: ${wire.message}` };
        }
        const outcome = await runner.call(method, wire, opts.timeoutMs ?? this.options.callTimeoutMs);
        if (outcome.json) return withJsonResult({ ...base, status: outcome.status, execTimeUs: outcome.execTimeUs }, outcome.json);
        return { ...base, ...outcome };
      }),
    );
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

function safeEncode(args: CallArguments): WireArguments | Error {
  try {
    return encodeCallArguments(args);
  } catch (error) {
    return error instanceof ArgumentEncodeError ? error : new Error(String(error));
  }
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

