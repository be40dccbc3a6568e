import * as grpc from '@grpc/grpc-js';
import { modelRunnerProtos, ServingStatus } from '../../src/model-runner/grpc/model-runner-protos';
import { decodeVariant, encodeVariant, TypedValue } from '../../src/model-runner/variant/variant';

/**
 * The model side of the protocol, as the in-container model-runner server behaves (spec
 * sections 1-4): Setup/Call/Rest/Health, one RPC at a time (a concurrent one gets
 * RESOURCE_EXHAUSTED), typed Status codes. Tests script its answers.
 */
export interface ScriptedAnswer {
  code?: string;
  message?: string;
  value?: TypedValue;
  /** Raw methodResponse, for hostile results. */
  rawResponse?: { type: number; value: Buffer } | null;
  delayMs?: number;
}

export interface ReceivedCall {
  method: string;
  args: unknown[];
  positions: number[];
  kwargs: Record<string, unknown>;
  metadata: grpc.Metadata;
}

export interface TestModelServerOptions {
  credentials?: grpc.ServerCredentials;
  /** Initial metadata sent with every Setup/Call answer (secure mode identity proof). */
  initialMetadata?: () => grpc.Metadata;
  /** Rejects a call (UNAUTHENTICATED) when this returns an error message. */
  authorize?: (metadata: grpc.Metadata) => string | null;
}

export class TestModelServer {
  readonly server = new grpc.Server();
  port = 0;
  setupAnswers: ScriptedAnswer[] = [];
  defaultSetup: ScriptedAnswer = { code: 'SUCCESS' };
  callHandler: (call: ReceivedCall) => ScriptedAnswer | Promise<ScriptedAnswer> = () => ({ code: 'SUCCESS' });
  health: ServingStatus = ServingStatus.SERVING;
  readonly setups: Array<{ className: string; metadata: grpc.Metadata }> = [];
  readonly calls: ReceivedCall[] = [];
  healthChecks = 0;
  rejectedConcurrent = 0;
  maxInFlight = 0;
  private inFlight = 0;

  constructor(private readonly options: TestModelServerOptions = {}) {
    const protos = modelRunnerProtos();
    this.server.addService(protos.definitions.dynamicSubclass, {
      Setup: (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) =>
        this.serve(call, callback, async () => {
          this.setups.push({ className: call.request.className, metadata: call.metadata });
          const answer = this.setupAnswers.shift() ?? this.defaultSetup;
          if (answer.delayMs) await sleep(answer.delayMs);
          return { status: { code: answer.code ?? 'SUCCESS', message: answer.message ?? '' } };
        }),
      Call: (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) =>
        this.serve(call, callback, async () => {
          const sorted = [...call.request.methodArguments].sort((a: any, b: any) => a.position - b.position);
          const received: ReceivedCall = {
            method: call.request.methodName,
            args: sorted.map((a: any) => decodeVariant(a.data)),
            positions: sorted.map((a: any) => a.position),
            kwargs: Object.fromEntries(call.request.methodKwArguments.map((k: any) => [k.keyword, decodeVariant(k.data)])),
            metadata: call.metadata,
          };
          this.calls.push(received);
          const answer = await this.callHandler(received);
          if (answer.delayMs) await sleep(answer.delayMs);
          const methodResponse =
            answer.rawResponse !== undefined ? answer.rawResponse : answer.value ? encodeVariant(answer.value) : null;
          return { status: { code: answer.code ?? 'SUCCESS', message: answer.message ?? '' }, methodResponse };
        }),
      Rest: (_call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) =>
        callback(null, { status: { code: 'SUCCESS', message: '' } }),
    });
    this.server.addService(protos.definitions.health, {
      Check: (_call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
        this.healthChecks += 1;
        callback(null, { status: this.health });
      },
      Watch: (call: grpc.ServerWritableStream<any, any>) => call.end(),
    });
  }

  async listen(port = 0): Promise<number> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(
        `127.0.0.1:${port}`,
        this.options.credentials ?? grpc.ServerCredentials.createInsecure(),
        (error, bound) => (error ? reject(error) : resolve(bound)),
      ),
    );
    return this.port;
  }

  stop(): void {
    this.server.forceShutdown();
  }

  private async serve(
    call: grpc.ServerUnaryCall<any, any>,
    callback: grpc.sendUnaryData<any>,
    handle: () => Promise<unknown>,
  ): Promise<void> {
    const denied = this.options.authorize?.(call.metadata);
    if (denied) return callback({ code: grpc.status.UNAUTHENTICATED, details: denied });
    if (this.inFlight > 0) {
      this.rejectedConcurrent += 1;
      return callback({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'one call at a time' });
    }
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.options.initialMetadata) call.sendMetadata(this.options.initialMetadata());
      const response = await handle();
      callback(null, response);
    } catch (error) {
      callback({ code: grpc.status.INTERNAL, details: String(error) });
    } finally {
      this.inFlight -= 1;
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition` holds (fails the test after `timeoutMs`). */
export async function waitFor(condition: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
