import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * The model-runner gRPC services, loaded once per process from proto/ (a thousand model
 * clients share these constructors; nothing is parsed per call).
 *
 * @example
 *   const { DynamicSubclassService } = modelRunnerProtos();
 *   const client = new DynamicSubclassService('10.0.0.5:50051', grpc.credentials.createInsecure());
 */
export interface ModelRunnerProtos {
  DynamicSubclassService: grpc.ServiceClientConstructor;
  Health: grpc.ServiceClientConstructor;
  /** Service definitions, for test servers that implement the model side. */
  definitions: {
    dynamicSubclass: grpc.ServiceDefinition;
    health: grpc.ServiceDefinition;
  };
}

/**
 * The package's proto/ folder, found by walking up from this file so it resolves from src/
 * (tests) and from dist/src/ (the compiled build) alike.
 */
export const PROTO_DIR = findProtoDir(__dirname);

function findProtoDir(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'proto', 'commons.proto'))) return path.join(dir, 'proto');
    if (path.dirname(dir) === dir) throw new Error(`proto/commons.proto not found above ${start}`);
  }
}

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: Number,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  // google/protobuf/empty.proto is bundled with proto-loader (protobufjs common types).
  includeDirs: [PROTO_DIR],
};

let loaded: ModelRunnerProtos | undefined;

export function modelRunnerProtos(): ModelRunnerProtos {
  if (loaded) return loaded;
  const packageDefinition = protoLoader.loadSync(
    ['commons.proto', 'dynamic_subclass.proto', 'health.proto'],
    LOADER_OPTIONS,
  );
  const root = grpc.loadPackageDefinition(packageDefinition) as any;
  const DynamicSubclassService = root.dynamic_subclass.DynamicSubclassService as grpc.ServiceClientConstructor;
  const Health = root.grpc.health.v1.Health as grpc.ServiceClientConstructor;
  loaded = {
    DynamicSubclassService,
    Health,
    definitions: { dynamicSubclass: DynamicSubclassService.service, health: Health.service },
  };
  return loaded;
}

/** Wire shapes of the messages the client reads (as proto-loader decodes them). */
export interface WireStatus {
  code: string;
  message: string;
}

export interface SetupResponseMessage {
  status: WireStatus | null;
}

export interface CallResponseMessage {
  status: WireStatus | null;
  methodResponse: { type: number; value: Buffer } | null;
}

/** grpc.health.v1.HealthCheckResponse.ServingStatus numbers. */
export enum ServingStatus {
  UNKNOWN = 0,
  SERVING = 1,
  NOT_SERVING = 2,
  SERVICE_UNKNOWN = 3,
}
