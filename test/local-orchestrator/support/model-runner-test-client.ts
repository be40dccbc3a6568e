import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'path';

/**
 * A deliberately plain gRPC client of the model-runner protocol for tests: the coordinator's real
 * client lives elsewhere; this one encodes Variants by hand from the spec's wire facts.
 */
const PROTO_DIR = join(__dirname, '..', '..', '..', 'proto');

export interface Variant {
  type: string;
  value: Buffer;
}
export interface Status {
  code: string;
  message: string;
}

export const variant = {
  int(n: number | bigint): Variant {
    const value = Buffer.alloc(8);
    value.writeBigInt64LE(BigInt(n));
    return { type: 'INT', value };
  },
  double(n: number): Variant {
    const value = Buffer.alloc(8);
    value.writeDoubleLE(n);
    return { type: 'DOUBLE', value };
  },
  string(s: string): Variant {
    return { type: 'STRING', value: Buffer.from(s, 'utf8') };
  },
  json(text: string): Variant {
    return { type: 'JSON', value: Buffer.from(text, 'utf8') };
  },
};

/** Decodes a response Variant; JSON is returned as text (tests look at NaN literally). */
export function decodeVariant(v: Variant | null | undefined): unknown {
  if (!v) return null;
  switch (v.type) {
    case 'NONE':
      return null;
    case 'DOUBLE':
      return v.value.readDoubleLE(0);
    case 'INT':
      return v.value.readBigInt64LE(0);
    case 'STRING':
    case 'JSON':
      return v.value.toString('utf8');
    default:
      throw new Error(`unexpected variant type ${v.type}`);
  }
}

type Unary = (request: unknown, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: any) => void) => void;

function loadClients() {
  const definition = protoLoader.loadSync([join(PROTO_DIR, 'dynamic_subclass.proto'), join(PROTO_DIR, 'health.proto')], {
    keepCase: true,
    enums: String,
    longs: String,
    bytes: Buffer,
    defaults: true,
    includeDirs: [PROTO_DIR],
  });
  const loaded = grpc.loadPackageDefinition(definition) as any;
  return {
    Runner: loaded.dynamic_subclass.DynamicSubclassService as grpc.ServiceClientConstructor,
    Health: loaded.grpc.health.v1.Health as grpc.ServiceClientConstructor,
  };
}

export class TestModelClient {
  private readonly runner: grpc.Client & Record<string, Unary>;
  private readonly health: grpc.Client & Record<string, Unary>;

  constructor(port: number, host = '127.0.0.1') {
    const { Runner, Health } = loadClients();
    this.runner = new Runner(`${host}:${port}`, grpc.credentials.createInsecure()) as any;
    this.health = new Health(`${host}:${port}`, grpc.credentials.createInsecure()) as any;
  }

  private unary(client: Record<string, Unary>, method: string, request: unknown, deadlineMs = 10_000): Promise<any> {
    return new Promise((resolve, reject) => {
      client[method].call(client, request, { deadline: Date.now() + deadlineMs }, (error, response) =>
        error ? reject(error) : resolve(response),
      );
    });
  }

  setup(className = 'condorgame.tracker.TrackerBase', deadlineMs?: number): Promise<{ status: Status }> {
    return this.unary(this.runner, 'Setup', { className, instanceArguments: [], instanceKwArguments: [] }, deadlineMs);
  }

  call(
    methodName: string,
    args: Variant[] = [],
    options: { deadlineMs?: number; kwargs?: Record<string, Variant>; positions?: number[] } = {},
  ): Promise<{ status: Status; methodResponse: Variant | null }> {
    return this.unary(
      this.runner,
      'Call',
      {
        methodName,
        methodArguments: args.map((data, i) => ({ position: options.positions?.[i] ?? i + 1, data })),
        methodKwArguments: Object.entries(options.kwargs ?? {}).map(([keyword, data]) => ({ keyword, data })),
      },
      options.deadlineMs,
    );
  }

  rest(): Promise<{ status: Status }> {
    return this.unary(this.runner, 'Rest', {});
  }

  async check(): Promise<string> {
    const response = await this.unary(this.health, 'Check', { service: '' }, 3000);
    return response.status;
  }

  close(): void {
    this.runner.close();
    this.health.close();
  }
}
