/**
 * Wire shapes of the model-runner messages as the model server reads and writes them. The service
 * definitions are the coordinator's (`modelRunnerProtos().definitions`): requests arrive with
 * enums as numbers; responses may name enum values (protobufjs accepts both).
 */
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
