import { payloadProblem, PayloadSchema } from '../../src/config/competition/payload-schema';
import { seededRandom } from '../../src/cli/check/seeded-random';
import { syntheticPayload, SyntheticPayloadError } from '../../src/cli/check/synthetic-payload';

const INPUTS: PayloadSchema = {
  type: ['object'],
  properties: {
    features: { type: ['array'], minItems: 2, maxItems: 10, items: { type: ['array'], items: { type: ['number'], minimum: 0, exclusiveMaximum: 1 } } },
    week: { type: ['integer'], minimum: 1, maximum: 52 },
    market: { type: ['string'], enum: ['us', 'eu'] },
    live: { type: ['boolean'] },
  },
};

describe('synthetic payloads for check', () => {
  it('fits the schema, draws the same value from the same seed, and another from another seed', () => {
    const a = syntheticPayload(INPUTS, 'inputs', seededRandom(1));
    expect(payloadProblem(a, INPUTS, 'inputs')).toBeNull();
    expect(syntheticPayload(INPUTS, 'inputs', seededRandom(1))).toEqual(a);
    expect(syntheticPayload(INPUTS, 'inputs', seededRandom(2))).not.toEqual(a);
    const value = a as { features: number[][]; week: number };
    expect(value.features).toHaveLength(10); // the default count, capped by maxItems
    expect(value.features.flat().every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Number.isInteger(value.week)).toBe(true);
  });

  it('gives every list the same length, so a truth holds one value per row', () => {
    const truth = syntheticPayload({ type: ['array'], items: { type: ['number'] } }, 'truth', seededRandom(3)) as number[];
    const rows = (syntheticPayload({ type: ['object'], properties: { features: { type: ['array'] } } }, 'inputs', seededRandom(3)) as { features: unknown[] }).features;
    expect(truth.length).toBe(rows.length);
  });

  it('refuses a string pattern it cannot satisfy, naming the field', () => {
    expect(() => syntheticPayload({ type: ['object'], properties: { code: { type: ['string'], pattern: '^[A-Z]{3}$' } } }, 'inputs', seededRandom(1))).toThrow(SyntheticPayloadError);
    expect(() => syntheticPayload({ type: ['object'], properties: { code: { type: ['string'], pattern: '^[A-Z]{3}$' } } }, 'inputs', seededRandom(1))).toThrow(/^inputs\.code: /);
  });
});
