import { encodeVariant, TypedValue, VariantEncodeError, WireVariant } from './variant';

/**
 * The arguments of one model call, typed by the coordinator (spec section 2: the coordinator
 * picks argument types itself). The predict module builds them from the competition's declared
 * arguments (`methodArguments`).
 *
 * @example
 *   // predict(STRING asset, INT horizon_seconds, INT step_seconds)
 *   const args: CallArguments = {
 *     positional: [{ type: 'STRING', value: 'BTC' }, { type: 'INT', value: 3600 }, { type: 'INT', value: 300 }],
 *   };
 */
export interface CallArguments {
  positional: TypedValue[];
  keyword?: Record<string, TypedValue>;
}

/** commons.Argument / commons.KwArgument lists as the CallRequest and SetupRequest carry them. */
export interface WireArguments {
  arguments: Array<{ position: number; data: WireVariant }>;
  kwArguments: Array<{ keyword: string; data: WireVariant }>;
}

export class ArgumentEncodeError extends Error {
  constructor(readonly argument: string, cause: Error) {
    super(`argument ${argument}: ${cause.message}`);
    this.name = 'ArgumentEncodeError';
  }
}

/** Encodes typed call arguments: positions start at 1, in the order given. */
export function encodeCallArguments(args: CallArguments): WireArguments {
  const wire: WireArguments = { arguments: [], kwArguments: [] };
  args.positional.forEach((typed, index) => {
    wire.arguments.push({ position: index + 1, data: encodeNamed(`#${index + 1}`, typed) });
  });
  for (const [keyword, typed] of Object.entries(args.keyword ?? {})) {
    wire.kwArguments.push({ keyword, data: encodeNamed(keyword, typed) });
  }
  return wire;
}

function encodeNamed(argument: string, typed: TypedValue): WireVariant {
  try {
    return encodeVariant(typed);
  } catch (error) {
    if (error instanceof VariantEncodeError) throw new ArgumentEncodeError(argument, error);
    throw error;
  }
}
