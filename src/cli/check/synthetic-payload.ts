import { payloadProblem, PayloadSchema } from '../../config/competition/payload-schema';

/** Items of a synthetic list when its schema allows it: the same count for every list, so rows and their truths line up (enough that two answers rarely tie by chance). */
const SYNTHETIC_ITEMS = 32;

/** A synthetic value cannot be made for this schema (a `pattern` without `enum`, an impossible type). */
export class SyntheticPayloadError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'SyntheticPayloadError';
  }
}

/**
 * A seeded value that fits a tournament payload schema: what `check` opens a round with, and
 * the truth it resolves it with. Every list has SYNTHETIC_ITEMS items (bounded by its minItems and
 * maxItems), so a truth list has one value per row of the inputs when both schemas allow it;
 * numbers are normal draws kept within the bounds; objects hold every declared property.
 *
 * @example
 *   syntheticPayload({ type: ['array'], items: { type: ['number'] } }, 'truth', seededRandom(7)) // [0.41, -1.2, ...] (32 numbers)
 */
export function syntheticPayload(schema: PayloadSchema, field: string, random: () => number): unknown {
  const value = draw(schema, field, random);
  const problem = payloadProblem(value, schema, field);
  if (problem) throw new SyntheticPayloadError(problem.field, `no synthetic value fits its schema (${problem.message})`);
  return value;
}

function draw(schema: PayloadSchema, field: string, random: () => number): unknown {
  if (schema.enum) return schema.enum[Math.floor(random() * schema.enum.length)];
  const type = schema.type?.[0] ?? (schema.properties ? 'object' : schema.items ? 'array' : 'number');
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, child]) => [name, draw(child, `${field}.${name}`, random)]));
    case 'array': {
      const count = Math.min(Math.max(SYNTHETIC_ITEMS, schema.minItems ?? 0), schema.maxItems ?? Number.POSITIVE_INFINITY);
      return Array.from({ length: count }, (_, i) => draw(schema.items ?? { type: ['number'] }, `${field}[${i}]`, random));
    }
    case 'number':
    case 'integer':
      return number(schema, type === 'integer', random);
    case 'string': {
      if (schema.pattern !== undefined) throw new SyntheticPayloadError(field, `no synthetic string matches the pattern ${schema.pattern}: give the field an enum, or check by posting a round yourself`);
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
  }
}

/** A normal draw, moved into [minimum, maximum] (exclusive bounds nudged inwards). */
function number(schema: PayloadSchema, integer: boolean, random: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const low = Math.max(schema.minimum ?? -Infinity, schema.exclusiveMinimum === undefined ? -Infinity : schema.exclusiveMinimum + (integer ? 1 : 1e-9));
  const high = Math.min(schema.maximum ?? Infinity, schema.exclusiveMaximum === undefined ? Infinity : schema.exclusiveMaximum - (integer ? 1 : 1e-9));
  let value = Number.isFinite(low) && Number.isFinite(high) ? low + (high - low) * random() : Number.isFinite(low) ? low + Math.abs(normal) : Number.isFinite(high) ? high - Math.abs(normal) : normal;
  if (integer) value = Math.round(value * (Number.isFinite(low) || Number.isFinite(high) ? 1 : 10));
  return Math.min(high, Math.max(low, Math.round(value * 1e6) / 1e6));
}
