import type { PredictionOutputDefinition } from '../../config/competition/competition.types';

/** What a prediction must look like to be stored as SUCCESS. */
export interface PredictionOutputRules {
  kind: PredictionOutputDefinition['kind'];
  /** `distributions`: exactly this many items (horizon / step). */
  expectedLength: number;
  /** Largest accepted payload, in bytes of JSON. */
  maxBytes: number;
}

/** A storable payload (its JSON text), or why the prediction is FAILED. */
export type PredictionOutputCheck = { ok: true; json: string } | { ok: false; reason: string };

const MAX_DEPTH = 64;

/**
 * Checks a model's decoded answer before it is stored, and serialises it once for the insert.
 *
 * - Shape per `kind`: `distributions` = an array of exactly `expectedLength` objects;
 *   `number` = a finite number; `vector` = an array of finite numbers; `any` = any JSON value.
 *   `null` (Python None) is never a prediction.
 * - NaN and ±Infinity anywhere make the prediction FAILED: jsonb cannot hold them, and a
 *   density with a non-finite parameter cannot be scored anyway. The reason names the path.
 * - Strings (values or keys) holding NUL or a lone surrogate are FAILED: PostgreSQL rejects them.
 * - The JSON text may not exceed `maxBytes`. The walk counts values and stops early (each value
 *   is at least one byte of JSON), so a huge payload is rejected without serialising it.
 *
 * @example
 *   checkPredictionOutput([{ type: 'builtin', name: 'norm', params: { loc: 0, scale: 1 } }],
 *     { kind: 'distributions', expectedLength: 1, maxBytes: 1_000_000 }) // { ok: true, json: '[{...}]' }
 *   checkPredictionOutput([NaN], { kind: 'vector', expectedLength: 1, maxBytes: 100 })
 *     // { ok: false, reason: 'non-finite number NaN at [0] (not storable as JSON)' }
 */
export function checkPredictionOutput(result: unknown, rules: PredictionOutputRules): PredictionOutputCheck {
  const shape = checkShape(result, rules);
  if (shape) return { ok: false, reason: shape };
  const content = checkContent(result, rules.maxBytes);
  if (content) return { ok: false, reason: content };
  const json = JSON.stringify(result);
  // Cheap bound first: UTF-8 takes at most 3 bytes per UTF-16 unit.
  const bytes = json.length * 3 <= rules.maxBytes ? json.length : Buffer.byteLength(json, 'utf8');
  if (bytes > rules.maxBytes) return { ok: false, reason: `payload is ${bytes} bytes, above the ${rules.maxBytes}-byte limit` };
  return { ok: true, json };
}

function checkShape(result: unknown, rules: PredictionOutputRules): string | null {
  if (result === null || result === undefined) return 'returned nothing (None)';
  switch (rules.kind) {
    case 'distributions': {
      if (!Array.isArray(result)) return `expected a list of ${rules.expectedLength} distributions, got ${typeName(result)}`;
      if (result.length !== rules.expectedLength) {
        return `expected exactly ${rules.expectedLength} distributions (horizon / step), got ${result.length}`;
      }
      const bad = result.findIndex((item) => typeName(item) !== 'object');
      return bad >= 0 ? `distribution [${bad}] must be an object, got ${typeName(result[bad])}` : null;
    }
    case 'number':
      return typeof result === 'number' ? null : `expected a number, got ${typeName(result)}`;
    case 'vector': {
      if (!Array.isArray(result)) return `expected a list of numbers, got ${typeName(result)}`;
      const bad = result.findIndex((item) => typeof item !== 'number');
      return bad >= 0 ? `item [${bad}] must be a number, got ${typeName(result[bad])}` : null;
    }
    case 'any':
      return null;
  }
}

/** Walks the value once: non-finite numbers, unstorable strings, depth, and a size budget. */
function checkContent(root: unknown, maxBytes: number): string | null {
  let budget = maxBytes;
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (--budget < 0) return `payload is larger than the ${maxBytes}-byte limit`;
    switch (typeof value) {
      case 'number':
        if (!Number.isFinite(value)) return `non-finite number ${value} at ${path || '(root)'} (not storable as JSON)`;
        continue;
      case 'string': {
        budget -= value.length;
        const problem = unstorableString(value);
        if (problem) return `${problem} in the string at ${path || '(root)'}`;
        continue;
      }
      case 'boolean':
        continue;
      case 'object':
        break;
      default:
        return `unsupported ${typeof value} value at ${path || '(root)'}`;
    }
    if (value === null) continue;
    if (depth >= MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels at ${path || '(root)'}`;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value as object)) {
      budget -= key.length;
      const problem = unstorableString(key);
      if (problem) return `${problem} in the key ${JSON.stringify(key.slice(0, 40))} at ${path || '(root)'}`;
      stack.push({ value: (value as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}

// NUL (jsonb rejects \u0000) or an unpaired UTF-16 surrogate (not valid Unicode).
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorableString(value: string): string | null {
  const match = UNSTORABLE.exec(value);
  if (!match) return null;
  return match[0] === '\u0000' ? 'a NUL character' : 'an unpaired surrogate';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}
