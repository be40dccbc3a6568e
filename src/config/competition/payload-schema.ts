import { DefinitionReader } from './definition-reader';

/**
 * The JSON Schema subset a competition file may use to describe a tournament round's inputs and
 * truth (no JSON-schema library ships with the coordinator, so the subset is small and exact):
 * `type` (one name or a list of `object`, `array`, `string`, `number`, `integer`, `boolean`,
 * `null`), `properties`, `required`, `additionalProperties` (true or false), `items` (one schema),
 * `minItems`, `maxItems`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers),
 * `minLength`, `maxLength`, `pattern`, `enum`, and the annotations `title`, `description`.
 * Any other keyword (`$ref`, `oneOf`, ...) is refused when the file loads, so a schema never
 * silently checks less than it says.
 *
 * @example
 *   inputs:
 *     type: object
 *     required: [features]
 *     additionalProperties: false
 *     properties:
 *       features: { type: array, minItems: 2, items: { type: array, items: { type: number } } }
 */
export interface PayloadSchema {
  type?: PayloadType[];
  properties?: Record<string, PayloadSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: PayloadSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  title?: string;
  description?: string;
}

export const PAYLOAD_TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'] as const;
export type PayloadType = (typeof PAYLOAD_TYPES)[number];

const KEYWORDS = [
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'enum',
  'title',
  'description',
];

/** Nesting a schema may have: deeper is a mistake, and the validator recurses once per level. */
const MAX_SCHEMA_DEPTH = 16;

/** Reads a schema of the subset from the competition file; errors name the key path. */
export function readPayloadSchema(r: DefinitionReader, depth = 0): PayloadSchema {
  if (depth > MAX_SCHEMA_DEPTH) r.problem(`nests deeper than ${MAX_SCHEMA_DEPTH} levels`);
  r.onlyKeys(KEYWORDS);
  const schema: PayloadSchema = {};
  const type = r.key('type');
  if (type.isPresent()) {
    schema.type = Array.isArray(type.raw()) ? type.items({ min: 1 }).map((t) => t.oneOf(PAYLOAD_TYPES)) : [type.oneOf(PAYLOAD_TYPES)];
  }
  const properties = r.key('properties');
  if (properties.isPresent()) {
    schema.properties = Object.fromEntries(Object.keys(properties.object()).map((name) => [name, readPayloadSchema(properties.key(name), depth + 1)]));
  }
  if (r.key('required').isPresent()) {
    schema.required = r.key('required').stringList();
    schema.required.forEach((name, i) => {
      if (schema.properties && !Object.prototype.hasOwnProperty.call(schema.properties, name)) r.key('required').items()[i].problem(`"${name}" is not one of properties`);
    });
  }
  if (r.key('additionalProperties').isPresent()) schema.additionalProperties = r.key('additionalProperties').boolean();
  if (r.key('items').isPresent()) schema.items = readPayloadSchema(r.key('items'), depth + 1);
  for (const key of ['minItems', 'maxItems', 'minLength', 'maxLength'] as const) {
    if (r.key(key).isPresent()) schema[key] = r.key(key).number({ integer: true, min: 0 });
  }
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    if (r.key(key).isPresent()) schema[key] = r.key(key).number();
  }
  if (r.key('pattern').isPresent()) {
    const pattern = r.key('pattern').string();
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      r.key('pattern').problem(`is not a valid regular expression: ${(error as Error).message}`);
    }
    schema.pattern = pattern;
  }
  if (r.key('enum').isPresent()) schema.enum = r.key('enum').items({ min: 1 }).map((item) => item.raw());
  if (r.key('title').isPresent()) schema.title = r.key('title').string();
  if (r.key('description').isPresent()) schema.description = r.key('description').string();
  if (schema.minItems !== undefined && schema.maxItems !== undefined && schema.minItems > schema.maxItems) r.key('maxItems').problem(`must be >= minItems (${schema.minItems})`);
  return schema;
}

/** One way a value breaks its schema: the path of the offending field (`features[2]`) and why. */
export interface PayloadProblem {
  field: string;
  message: string;
}

/**
 * The first problem of `value` against `schema` (null when it conforms), the field named from
 * `at` (`inputs.features[2][0]`). Stops at the first problem: a 400 names one field to fix.
 *
 * @example
 *   payloadProblem({ a: 'x' }, { type: ['object'], properties: { a: { type: ['number'] } } }, 'inputs')
 *   // { field: 'inputs.a', message: 'must be a number, got string' }
 */
export function payloadProblem(value: unknown, schema: PayloadSchema, at: string): PayloadProblem | null {
  const fail = (message: string): PayloadProblem => ({ field: at, message });
  const kind = jsonKind(value);
  if (schema.type && !schema.type.some((t) => t === kind || (t === 'number' && kind === 'integer'))) {
    return fail(`must be ${schema.type.map(article).join(' or ')}, got ${kind === 'integer' ? 'number' : kind}`);
  }
  if (schema.enum && !schema.enum.some((allowed) => sameJson(allowed, value))) return fail(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail('must be a finite number');
    if (schema.minimum !== undefined && value < schema.minimum) return fail(`must be >= ${schema.minimum}, got ${value}`);
    if (schema.maximum !== undefined && value > schema.maximum) return fail(`must be <= ${schema.maximum}, got ${value}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return fail(`must be > ${schema.exclusiveMinimum}, got ${value}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return fail(`must be < ${schema.exclusiveMaximum}, got ${value}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) return fail(`must have at least ${schema.minLength} character(s)`);
    if (schema.maxLength !== undefined && length > schema.maxLength) return fail(`must have at most ${schema.maxLength} character(s)`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return fail(`must match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return fail(`must have at least ${schema.minItems} item(s), got ${value.length}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return fail(`must have at most ${schema.maxItems} item(s), got ${value.length}`);
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const problem = payloadProblem(value[i], schema.items, `${at}[${i}]`);
        if (problem) return problem;
      }
    }
  }
  if (kind === 'object') {
    const object = value as Record<string, unknown>;
    const child = (name: string) => (at ? `${at}.${name}` : name);
    for (const name of schema.required ?? []) {
      if (!Object.prototype.hasOwnProperty.call(object, name)) return { field: child(name), message: 'is required' };
    }
    for (const [name, item] of Object.entries(object)) {
      const own = schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, name) ? schema.properties[name] : undefined;
      if (own) {
        const problem = payloadProblem(item, own, child(name));
        if (problem) return problem;
      } else if (schema.additionalProperties === false) {
        return { field: child(name), message: `is not allowed (allowed: ${Object.keys(schema.properties ?? {}).join(', ') || 'none'})` };
      }
    }
  }
  return null;
}

function jsonKind(value: unknown): PayloadType | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value as PayloadType;
  return 'undefined';
}

function article(type: PayloadType): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** JSON equality (key order ignored), for `enum`. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
