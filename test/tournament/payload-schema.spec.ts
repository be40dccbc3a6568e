import { ConfigError } from '../../src/config/config-error';
import { DefinitionReader } from '../../src/config/competition/definition-reader';
import { payloadProblem, PayloadSchema, readPayloadSchema } from '../../src/config/competition/payload-schema';

const read = (doc: unknown) => readPayloadSchema(new DefinitionReader(doc, 'tournament.inputs', 'c.yaml'));

const ROUND: PayloadSchema = read({
  type: 'object',
  required: ['features'],
  additionalProperties: false,
  properties: {
    features: { type: 'array', minItems: 2, items: { type: 'array', items: { type: 'number', minimum: -10, exclusiveMaximum: 10 } } },
    week: { type: 'integer', minimum: 1 },
    market: { type: 'string', enum: ['us', 'eu'] },
    tag: { type: ['string', 'null'], pattern: '^[a-z]+$', maxLength: 8 },
  },
});

describe('the payload schema subset (tournament inputs and truth)', () => {
  it.each([
    [{ features: [[1], [2]] }],
    [{ features: [[1, 2.5], [-3, 9.99]], week: 3, market: 'eu', tag: null }],
    [{ features: [[], []], tag: 'abc' }],
  ])('accepts %j', (value) => {
    expect(payloadProblem(value, ROUND, 'inputs')).toBeNull();
  });

  it.each([
    [[1, 2], { field: 'inputs', message: 'must be an object, got array' }],
    [{}, { field: 'inputs.features', message: 'is required' }],
    [{ features: [[1]] }, { field: 'inputs.features', message: 'must have at least 2 item(s), got 1' }],
    [{ features: [[1], ['2']] }, { field: 'inputs.features[1][0]', message: 'must be a number, got string' }],
    [{ features: [[1], [10]] }, { field: 'inputs.features[1][0]', message: 'must be < 10, got 10' }],
    [{ features: [[1], [-11]] }, { field: 'inputs.features[1][0]', message: 'must be >= -10, got -11' }],
    [{ features: [[1], [2]], week: 1.5 }, { field: 'inputs.week', message: 'must be an integer, got number' }],
    [{ features: [[1], [2]], market: 'asia' }, { field: 'inputs.market', message: 'must be one of "us", "eu"' }],
    [{ features: [[1], [2]], tag: 'ABC' }, { field: 'inputs.tag', message: 'must match ^[a-z]+$' }],
    [{ features: [[1], [2]], tag: 'abcdefghi' }, { field: 'inputs.tag', message: 'must have at most 8 character(s)' }],
    [{ features: [[1], [2]], colour: 'red' }, { field: 'inputs.colour', message: 'is not allowed (allowed: features, week, market, tag)' }],
  ])('refuses %j, naming the field', (value, problem) => {
    expect(payloadProblem(value, ROUND, 'inputs')).toEqual(problem);
  });

  it('takes an integer where a number is asked, and a list of types', () => {
    const truth = read({ type: ['number', 'array'], items: { type: 'number' } });
    expect(payloadProblem(3, truth, 'truth')).toBeNull();
    expect(payloadProblem([1, 2.5], truth, 'truth')).toBeNull();
    expect(payloadProblem('3', truth, 'truth')).toEqual({ field: 'truth', message: 'must be a number or an array, got string' });
  });

  it.each([
    [{ type: 'object', oneOf: [] }, 'tournament.inputs.oneOf'],
    [{ type: 'float' }, 'tournament.inputs.type'],
    [{ type: 'object', properties: { a: { $ref: '#/x' } } }, 'tournament.inputs.properties.a.$ref'],
    [{ type: 'object', required: ['b'], properties: { a: { type: 'number' } } }, 'tournament.inputs.required[0]'],
    [{ type: 'array', minItems: 3, maxItems: 2 }, 'tournament.inputs.maxItems'],
    [{ type: 'string', pattern: '(' }, 'tournament.inputs.pattern'],
  ])('refuses the schema %j when the file loads, naming %s', (schema, key) => {
    expect(() => read(schema)).toThrow(ConfigError);
    try {
      read(schema);
    } catch (error) {
      expect((error as ConfigError).key).toBe(key);
    }
  });
});
