import { answeredSteps, DEFAULT_MAX_COMPONENTS } from '../../config/competition/competition.types';
import type { ModelInterfaceDefinition, PredictionOutputDefinition } from '../../config/competition/competition.types';

/** What a prediction must look like to be stored as SUCCESS. */
export interface PredictionOutputRules {
  kind: PredictionOutputDefinition['kind'];
  /** `distributions`: exactly this many items (horizon / step). */
  expectedLength: number;
  /** Largest accepted payload, in bytes of JSON. */
  maxBytes: number;
  /**
   * A multi-resolution answer (`predict_all`): a JSON object keyed by step (`"300"`, as Python's
   * json writes int keys) holding `floor(horizon / step)` density specs each. Set for
   * `distributions` only; `expectedLength` is then unused.
   */
  resolutions?: MultiResolutionRules;
}

export interface MultiResolutionRules {
  horizon: number;
  /** The steps the answer must hold (the config's steps up to the horizon). */
  steps: readonly number[];
  /** Leaf distributions allowed per density spec, nested mixtures counted by their leaves. */
  maxComponents: number;
}

/**
 * The rules of one config's answers: `horizon / step` items, or with `steps` (a multi-resolution
 * config, predict_all) one list per answered step.
 *
 * @example
 *   predictionOutputRules(competition.model, { horizon: 3600, step: 60 }, [60, 300, 86400])
 *   // { kind: 'distributions', expectedLength: 60, maxBytes, resolutions: { horizon: 3600, steps: [60, 300], maxComponents: 3 } }
 */
export function predictionOutputRules(
  model: Pick<ModelInterfaceDefinition, 'output' | 'maxPredictionBytes'>,
  config: { horizon: number; step: number },
  steps?: readonly number[],
): PredictionOutputRules {
  const rules: PredictionOutputRules = { kind: model.output.kind, expectedLength: config.horizon / config.step, maxBytes: model.maxPredictionBytes };
  if (steps !== undefined) {
    rules.resolutions = {
      horizon: config.horizon,
      steps: answeredSteps({ horizon: config.horizon, steps: [...steps] })!,
      maxComponents: model.output.maxComponents ?? DEFAULT_MAX_COMPONENTS,
    };
  }
  return rules;
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

/**
 * A JSON answer kept as the text the model sent (the model runner's JsonText, read
 * structurally): plain JSON that `JSON.parse` reads to finite numbers, strings without `\u`
 * escapes (so no NUL or lone surrogate), with these counts taken while it was scanned.
 */
export interface PredictionJsonText {
  text: string;
  byteLength: number;
  numberCount: number;
  /** Deepest nesting of arrays/objects, a top-level array or object being 1. */
  maxDepth: number;
  topLevel: { kind: 'array' | 'object' | 'string' | 'number' | 'boolean' | 'null'; length: number; objectItems: number };
}

/** The longest text JSON.stringify writes for one number (`-1.7976931348623157e+308`). */
const MAX_NUMBER_CHARS = 24;

/**
 * The fast path of checkPredictionOutput for an answer kept as plain JSON text: the same
 * verdict for the answers it accepts, with the text stored as it came (jsonb reads it to the
 * same value) instead of decoding and re-encoding it. Returns null when it cannot decide
 * alone (a wrong shape, a payload near the size limit, deep nesting, another output kind):
 * checkPredictionOutput on the decoded value then gives the verdict and its reason.
 *
 * The size bound is safe: re-encoding keeps or shortens every string and structural
 * character and writes a number in at most 24 characters, so the stored value's JSON text is
 * never longer than `byteLength + 24 * numberCount` bytes.
 *
 * @example
 *   checkPredictionText(answer.json, { kind: 'distributions', expectedLength: 60, maxBytes: 1_000_000 })
 *     // { ok: true, json: '[{"type": "builtin", ...}]' } or null
 */
export function checkPredictionText(json: PredictionJsonText, rules: PredictionOutputRules): PredictionOutputCheck | null {
  // Each step's list must be counted: only the decoded value tells.
  if (rules.resolutions) return null;
  const top = json.topLevel;
  switch (rules.kind) {
    case 'distributions':
      if (top.kind !== 'array' || top.length !== rules.expectedLength || top.objectItems !== top.length) return null;
      break;
    case 'number':
      if (top.kind !== 'number') return null;
      break;
    case 'any':
      if (top.kind === 'null') return null;
      break;
    default:
      return null;
  }
  if (json.maxDepth >= MAX_DEPTH) return null;
  if (json.byteLength + MAX_NUMBER_CHARS * json.numberCount > rules.maxBytes) return null;
  return { ok: true, json: json.text };
}

function checkShape(result: unknown, rules: PredictionOutputRules): string | null {
  if (result === null || result === undefined) return 'returned nothing (None)';
  switch (rules.kind) {
    case 'distributions': {
      if (rules.resolutions) return checkResolutions(result, rules.resolutions);
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

/**
 * A `predict_all` answer: exactly the expected steps as keys, each holding `floor(horizon / step)`
 * density objects of at most `maxComponents` leaves. Reasons name the step, e.g.
 * `step 300: expected 12 density specs, got 11`.
 */
function checkResolutions(result: unknown, rules: MultiResolutionRules): string | null {
  const wanted = rules.steps.map(String);
  if (typeName(result) !== 'object') return `expected an object keyed by step (${wanted.join(', ')}), got ${typeName(result)}`;
  const answer = result as Record<string, unknown>;
  const extra = Object.keys(answer).find((key) => !wanted.includes(key));
  if (extra !== undefined) return `unexpected key ${JSON.stringify(extra.slice(0, 40))} (expected the steps ${wanted.join(', ')})`;
  for (const step of rules.steps) {
    const specs = Object.prototype.hasOwnProperty.call(answer, String(step)) ? answer[String(step)] : undefined;
    const expected = Math.floor(rules.horizon / step);
    if (specs === undefined) return `step ${step}: missing (expected ${expected} density specs)`;
    if (!Array.isArray(specs)) return `step ${step}: expected a list of ${expected} density specs, got ${typeName(specs)}`;
    if (specs.length !== expected) return `step ${step}: expected ${expected} density specs, got ${specs.length}`;
    for (let i = 0; i < specs.length; i++) {
      if (typeName(specs[i]) !== 'object') return `step ${step}: density spec [${i}] must be an object, got ${typeName(specs[i])}`;
      const leaves = leafCount(specs[i], rules.maxComponents, 0);
      if (leaves > rules.maxComponents) return `step ${step}: density spec [${i}] has more than ${rules.maxComponents} components`;
    }
  }
  return null;
}

/**
 * Leaf distributions of a density spec, nested mixtures counted by their leaves; stops counting
 * past `limit`. Malformed parts count as one leaf (the scorer rejects them with its own reason).
 */
function leafCount(spec: unknown, limit: number, depth: number): number {
  const mixture = spec as { type?: unknown; components?: unknown } | null;
  if (typeName(spec) !== 'object' || mixture!.type !== 'mixture' || !Array.isArray(mixture!.components)) return 1;
  if (depth >= MAX_DEPTH) return limit + 1;
  let leaves = 0;
  for (const component of mixture!.components as unknown[]) {
    const density = typeName(component) === 'object' ? (component as { density?: unknown }).density : undefined;
    leaves += leafCount(density, limit - leaves, depth + 1);
    if (leaves > limit) return leaves;
  }
  return leaves;
}

/** A problem found by the walk; the path is built only when there is one (cheap on the happy path). */
interface ContentProblem {
  /** Formats the problem with the path where it was found, e.g. `[3].params.loc`. */
  describe: (at: string) => string;
  path: string[];
}

/** Walks the value once: non-finite numbers, unstorable strings, depth, and a size budget. */
function checkContent(root: unknown, maxBytes: number): string | null {
  const budget = { left: maxBytes, max: maxBytes };
  const problem = walk(root, 0, budget);
  if (!problem) return null;
  return problem.describe(problem.path.reverse().join('') || '(root)');
}

function walk(value: unknown, depth: number, budget: { left: number; max: number }): ContentProblem | null {
  if (--budget.left < 0) return { describe: () => `payload is larger than the ${budget.max}-byte limit`, path: [] };
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? null : { describe: (at) => `non-finite number ${value} at ${at} (not storable as JSON)`, path: [] };
    case 'string': {
      budget.left -= value.length;
      const bad = unstorableString(value);
      return bad ? { describe: (at) => `${bad} in the string at ${at}`, path: [] } : null;
    }
    case 'boolean':
      return null;
    case 'object':
      break;
    default:
      return { describe: (at) => `unsupported ${typeof value} value at ${at}`, path: [] };
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) return { describe: (at) => `nested deeper than ${MAX_DEPTH} levels at ${at}`, path: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = walk(value[i], depth + 1, budget);
      if (problem) return within(problem, `[${i}]`);
    }
    return null;
  }
  for (const key in value as Record<string, unknown>) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    budget.left -= key.length;
    const bad = unstorableString(key);
    if (bad) return { describe: (at) => `${bad} in the key ${JSON.stringify(key.slice(0, 40))} at ${at}`, path: [] };
    const problem = walk((value as Record<string, unknown>)[key], depth + 1, budget);
    if (problem) return within(problem, `.${key}`);
  }
  return null;
}

function within(problem: ContentProblem, segment: string): ContentProblem {
  problem.path.push(segment);
  return problem;
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
