import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'path';

/** Wire shapes of the model-runner protos as proto-loader decodes them (keepCase, enums as names). */
export interface WireVariant {
  type: string | number;
  value: Buffer;
}
export interface WireArgument {
  position: number;
  data?: WireVariant | null;
}
export interface WireKwArgument {
  keyword: string;
  data?: WireVariant | null;
}
export interface WireStatus {
  code: string;
  message: string;
}
export interface WireSetupRequest {
  className: string;
  instanceArguments: WireArgument[];
  instanceKwArguments: WireKwArgument[];
}
export interface WireCallRequest {
  methodName: string;
  methodArguments: WireArgument[];
  methodKwArguments: WireKwArgument[];
}
export interface WireCallResponse {
  status: WireStatus;
  methodResponse?: WireVariant | null;
}

export interface ModelRunnerServices {
  dynamicSubclass: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

/** Options shared by every loader of these protos (keepCase so field names match the wire). */
export const MODEL_RUNNER_PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
};

let cached: { dir: string; services: ModelRunnerServices } | undefined;

/**
 * Loads proto/dynamic_subclass.proto and proto/health.proto once per process.
 *
 * @example
 *   const { dynamicSubclass, health } = loadModelRunnerServices(paths.protoDir);
 *   server.addService(dynamicSubclass, handlers);
 */
export function loadModelRunnerServices(protoDir: string): ModelRunnerServices {
  if (cached?.dir === protoDir) return cached.services;
  const definition = protoLoader.loadSync(
    [join(protoDir, 'dynamic_subclass.proto'), join(protoDir, 'health.proto')],
    // google/protobuf/empty.proto resolves from protobufjs's bundled well-known types.
    { ...MODEL_RUNNER_PROTO_OPTIONS, includeDirs: [protoDir] },
  );
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    dynamic_subclass: { DynamicSubclassService: grpc.ServiceClientConstructor };
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const services = {
    dynamicSubclass: loaded.dynamic_subclass.DynamicSubclassService.service,
    health: loaded.grpc.health.v1.Health.service,
  };
  cached = { dir: protoDir, services };
  return services;
}
