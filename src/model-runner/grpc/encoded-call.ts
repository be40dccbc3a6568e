import type { WireArguments } from '../variant/call-arguments';
import { CallResponseMessage, modelRunnerProtos } from './model-runner-protos';

/** The full gRPC method path of DynamicSubclassService.Call. */
export const CALL_PATH = '/dynamic_subclass.DynamicSubclassService/Call';

/**
 * A CallRequest serialised once and sent as these very bytes to every model it is for: a
 * fan-out to N models with the same arguments (every predict, a tick to every model sharing a
 * watermark) encodes the protobuf once, not N times.
 *
 * @example
 *   const request = EncodedCall.of('predict', encodeCallArguments(args));
 *   runner.submit(request, 5_000, (outcome) => store(outcome));   // for each model
 */
export class EncodedCall {
  private constructor(
    readonly method: string,
    /** The serialised dynamic_subclass.CallRequest. */
    readonly bytes: Buffer,
  ) {}

  static of(method: string, args: WireArguments): EncodedCall {
    const request = { methodName: method, methodArguments: args.arguments, methodKwArguments: args.kwArguments };
    return new EncodedCall(method, modelRunnerProtos().DynamicSubclassService.service.Call.requestSerialize(request));
  }
}

/** The request serialiser of a client that sends EncodedCall bytes: they are the message already. */
export function alreadySerialized(bytes: Buffer): Buffer {
  return bytes;
}

/** Decodes a CallResponse as proto-loader does for the generated client. */
export function deserializeCallResponse(bytes: Buffer): CallResponseMessage {
  return modelRunnerProtos().DynamicSubclassService.service.Call.responseDeserialize(bytes) as CallResponseMessage;
}
