import type { MethodArgumentDefinition, WireType } from '../../config/competition/competition.types';
import type { ModelCallArguments, TypedArgument } from '../predict.ports';

/** A model method's declared arguments cannot be built from the values at hand (a configuration problem). */
export class MethodArgumentError extends Error {
  constructor(
    readonly method: string,
    readonly argument: string,
    reason: string,
  ) {
    super(`${method}(${argument}): ${reason}`);
    this.name = 'MethodArgumentError';
  }
}

/**
 * Builds a model call's arguments from named values and the competition's declared arguments
 * (`model.predict.args`, `model.tick.args`): each value is converted to its declared wire type,
 * positional arguments keep the declared order, `keyword: true` ones are sent by name.
 *
 * @example
 *   methodArguments('predict', { asset: 'BTC', horizon: 3600, step: 60, interval: 720 }, [
 *     { name: 'asset', type: 'STRING' }, { name: 'horizon', type: 'INT' }, { name: 'step', type: 'INT' },
 *   ]);
 *   // { positional: [{ type: 'STRING', value: 'BTC' }, { type: 'INT', value: 3600 }, { type: 'INT', value: 60 }] }
 */
export function methodArguments(
  method: string,
  values: Readonly<Record<string, unknown>>,
  definitions: readonly MethodArgumentDefinition[],
): ModelCallArguments {
  const args: ModelCallArguments = { positional: [] };
  for (const definition of definitions) {
    if (!Object.prototype.hasOwnProperty.call(values, definition.name)) {
      throw new MethodArgumentError(method, definition.name, `unknown argument name (known: ${Object.keys(values).join(', ')})`);
    }
    const typed: TypedArgument = { type: definition.type, value: toWireValue(method, definition.name, definition.type, values[definition.name]) };
    if (definition.keyword) (args.keyword ??= {})[definition.name] = typed;
    else args.positional.push(typed);
  }
  return args;
}

function toWireValue(method: string, name: string, type: WireType, value: unknown): unknown {
  switch (type) {
    case 'NONE':
      return null;
    case 'STRING':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'INT':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw new MethodArgumentError(method, name, `declared INT but the value ${JSON.stringify(value)} is not an integer`);
    case 'DOUBLE':
      if (typeof value === 'number') return value;
      throw new MethodArgumentError(method, name, `declared DOUBLE but the value ${JSON.stringify(value)} is not a number`);
    case 'JSON':
      return value;
  }
}
