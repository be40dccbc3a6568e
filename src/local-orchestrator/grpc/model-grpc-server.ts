import * as grpc from '@grpc/grpc-js';
import { ModelHost, ModelRunnerFailure, RunnerStatusCode } from '../hosts/model-host';
import { TypedValue } from '../hosts/typed-value';
import { OrchestratorLogger } from '../orchestrator-logger';
import { modelRunnerProtos } from '../../model-runner/grpc/model-runner-protos';
import {
  WireArgument,
  WireCallRequest,
  WireCallResponse,
  WireKwArgument,
  WireSetupRequest,
  WireStatus,
} from './model-runner-protos';
import { decodeVariant, encodeVariant } from './variant-codec';

export interface ModelGrpcServerOptions {
  modelId: string;
  host: ModelHost;
  /** Interface to bind (the address announced to the coordinator). */
  bindHost: string;
  logger: OrchestratorLogger;
  /** After the caller gives up (deadline, cancel), how long the model may still take before it is declared hung. */
  hangGraceMs?: number;
  /** Longest any single RPC may run, deadline or not. */
  maxCallMs?: number;
}

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

const SUCCESS: WireStatus = { code: 'SUCCESS', message: '' };

function failureStatus(error: unknown): WireStatus {
  if (error instanceof ModelRunnerFailure) return { code: error.code, message: error.message };
  return { code: 'UNKNOWN' satisfies RunnerStatusCode, message: String((error as Error)?.message ?? error) };
}

function orderedArguments(args: WireArgument[] | undefined, where: string): TypedValue[] {
  return [...(args ?? [])]
    .sort((a, b) => a.position - b.position)
    .map((arg) => decodeVariant(arg.data, `${where} at position ${arg.position}`));
}

function keywordArguments(kwargs: WireKwArgument[] | undefined, where: string): Record<string, TypedValue> {
  const out: Record<string, TypedValue> = {};
  for (const kwarg of kwargs ?? []) {
    if (!kwarg.keyword) throw new ModelRunnerFailure('INVALID_ARGUMENT', `${where} without a keyword`);
    out[kwarg.keyword] = decodeVariant(kwarg.data, `${where} ${kwarg.keyword}`);
  }
  return out;
}

/**
 * The per-model gRPC endpoint, as the in-container model-runner serves it:
 * `dynamic_subclass.DynamicSubclassService` (Setup/Call/Rest) and `grpc.health.v1.Health/Check`.
 * One RPC at a time: a concurrent Setup/Call/Rest gets RESOURCE_EXHAUSTED (health checks are
 * always answered). A call that outlives its caller by `hangGraceMs` makes the host abandoned.
 *
 * @example
 *   const server = new ModelGrpcServer({ modelId: '1', host, bindHost: '127.0.0.1', logger });
 *   const port = await server.start(); // ephemeral port
 */
export class ModelGrpcServer {
  private readonly server: grpc.Server;
  private busy = false;

  constructor(private readonly options: ModelGrpcServerOptions) {
    const services = modelRunnerProtos().definitions;
    this.server = new grpc.Server({
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': 256 * 1024 * 1024,
    });
    this.server.addService(services.dynamicSubclass, {
      Setup: this.setup,
      Call: this.call,
      Rest: this.rest,
    });
    this.server.addService(services.health, { Check: this.check });
  }

  /** Binds an ephemeral port on `bindHost` and returns it. */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${this.options.bindHost}:0`, grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(new Error(`model ${this.options.modelId}: cannot bind gRPC server: ${error.message}`)) : resolve(port),
      );
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 1000);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private readonly setup: Handler<WireSetupRequest, { status: WireStatus }> = (call, callback) => {
    this.exclusive(call, callback, 'Setup', async () => {
      const request = call.request;
      if (typeof request.className !== 'string' || request.className === '') {
        throw new ModelRunnerFailure('INVALID_ARGUMENT', 'className is empty');
      }
      const args = orderedArguments(request.instanceArguments, 'instance argument');
      const kwargs = keywordArguments(request.instanceKwArguments, 'instance keyword argument');
      await this.options.host.setup(request.className, args, kwargs);
      return { status: SUCCESS };
    });
  };

  private readonly call: Handler<WireCallRequest, WireCallResponse> = (call, callback) => {
    this.exclusive(call, callback, 'Call', async () => {
      const request = call.request;
      if (!request.methodName) throw new ModelRunnerFailure('INVALID_ARGUMENT', 'methodName is empty');
      const args = orderedArguments(request.methodArguments, 'argument');
      const kwargs = keywordArguments(request.methodKwArguments, 'keyword argument');
      const result = await this.options.host.call(request.methodName, args, kwargs);
      return { status: SUCCESS, methodResponse: encodeVariant(result) };
    });
  };

  private readonly rest: Handler<unknown, { status: WireStatus }> = (call, callback) => {
    this.exclusive(call, callback, 'Rest', async () => {
      await this.options.host.rest();
      return { status: SUCCESS };
    });
  };

  private readonly check: Handler<{ service: string }, { status: string }> = (_call, callback) => {
    callback(null, { status: this.options.host.isAlive() ? 'SERVING' : 'NOT_SERVING' });
  };

  /** Runs one RPC while holding the server; failures become a Status in the response. */
  private exclusive<Req, Res extends { status: WireStatus }>(
    call: grpc.ServerUnaryCall<Req, Res>,
    callback: grpc.sendUnaryData<Res>,
    rpc: string,
    work: () => Promise<Res>,
  ): void {
    if (this.busy) {
      callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: `model ${this.options.modelId} is busy with another call` });
      return;
    }
    this.busy = true;
    const watchdog = this.watchForHang(call, rpc);
    work()
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          const status = failureStatus(error);
          if (status.code === 'UNKNOWN') this.options.logger.error(`model ${this.options.modelId} ${rpc}: ${status.message}`);
          callback(null, { status } as Res);
        },
      )
      .finally(() => {
        watchdog();
        this.busy = false;
      });
  }

  /** Abandons the host when the model still has not answered some time after its caller left. */
  private watchForHang(call: grpc.ServerUnaryCall<unknown, unknown>, rpc: string): () => void {
    const { host, hangGraceMs = 5000, maxCallMs = 300_000 } = this.options;
    const timers: NodeJS.Timeout[] = [];
    const onCancelled = () => {
      timers.push(setTimeout(() => host.abandon(`${rpc} still running ${hangGraceMs} ms after its caller gave up`), hangGraceMs));
    };
    call.once('cancelled', onCancelled);
    timers.push(setTimeout(() => host.abandon(`${rpc} still running after ${maxCallMs} ms`), maxCallMs));
    return () => {
      call.removeListener('cancelled', onCancelled);
      timers.forEach(clearTimeout);
    };
  }
}
