import { CompiledDensity } from './compiled-density';
import { DISTRIBUTION_FAMILIES, DistributionFamily, LeafDistribution, NormalLeaf, STATISTICS_NORMAL } from './leaf-distributions';

/**
 * Limits a density spec must respect. Defaults follow the `densitypdf` package: mixtures nest at
 * most 3 deep and a spec holds at most 5 mixtures.
 */
export interface DensitySpecLimits {
  /** Largest number of mixture levels above any leaf. */
  maxDepth: number;
  /** Largest number of mixtures in one spec. */
  maxMixtures: number;
  /** Largest number of leaf distributions in one spec, nested mixtures counted by their leaves (crunch-synth: 3). */
  maxLeaves: number;
}

export const DEFAULT_DENSITY_LIMITS: Readonly<DensitySpecLimits> = Object.freeze({
  maxDepth: 3,
  maxMixtures: 5,
  maxLeaves: 16,
});

/** Why a density spec was rejected; `reason` is short and safe to store. */
export class InvalidDensitySpec {
  constructor(readonly reason: string) {}
}

/**
 * Validates a density spec (the `densitypdf` JSON format) and compiles it for fast evaluation.
 * Never throws for any input: a bad spec yields an `InvalidDensitySpec` with a short reason.
 *
 * Mixture weights must be finite and >= 0 with at least one positive; they are normalised by
 * their sum, so `[{w: 2}, {w: 2}]` means `[0.5, 0.5]`. (The Python `densitypdf` sums raw weights,
 * which lets a model inflate its density by scaling weights up; normalising removes that, and
 * changes nothing for weights that already sum to 1.)
 *
 * Keys other than `type`, `name`, `params`, `components` (for instance crunch-synth's `step`) are
 * ignored; unknown keys inside `params` are rejected, as scipy rejects them.
 *
 * @example
 *   parseDensitySpec({ type: 'mixture', components: [
 *     { density: { type: 'scipy', name: 'norm', params: { loc: 0, scale: 0.01 } }, weight: 0.7 },
 *     { density: { type: 'statistics', name: 'normal', params: { mu: 0, sigma: 0.03 } }, weight: 0.3 },
 *   ] }); // CompiledDensity with two normal leaves
 */
export function parseDensitySpec(
  spec: unknown,
  limits: Readonly<DensitySpecLimits> = DEFAULT_DENSITY_LIMITS,
): CompiledDensity | InvalidDensitySpec {
  // One scratch state reused by every call (parsing is synchronous and not re-entrant), so a
  // spec costs only its final arrays: this runs for every step of every prediction.
  const state = scratch;
  state.limits = limits;
  state.mixtures = 0;
  state.leafCount = 0;
  state.allNormal = true;
  state.size = 0;
  const rejection = parseNode(spec, 0, 1, state);
  const compiled = rejection !== null ? new InvalidDensitySpec(rejection) : state.allNormal ? compileNormals(state) : compileLeaves(state);
  for (let i = 0; i < state.size; i++) state.leaves[i] = null; // do not keep leaf objects alive
  return compiled;
}

/** Normal leaves are kept as numbers (no leaf object) while the spec is all-normal. */
function compileNormals(state: ParseState): CompiledDensity {
  const means: number[] = [];
  const sigmas: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < state.size; i++) {
    if (state.weights[i] > 0) {
      means.push(state.means[i]);
      sigmas.push(state.sigmas[i]);
      weights.push(state.weights[i]);
    }
  }
  return CompiledDensity.ofNormals(means, sigmas, weights);
}

function compileLeaves(state: ParseState): CompiledDensity {
  const leaves: LeafDistribution[] = [];
  const weights: number[] = [];
  for (let i = 0; i < state.size; i++) {
    if (state.weights[i] > 0) {
      leaves.push(state.leaves[i] ?? new NormalLeaf(state.means[i], state.sigmas[i]));
      weights.push(state.weights[i]);
    }
  }
  return CompiledDensity.ofLeaves(leaves, weights);
}

/**
 * Leaves found so far, in order: `weights[i]` with either `leaves[i]` (a non-normal leaf, or
 * null for a normal) or the normal's `means[i]`/`sigmas[i]`.
 */
interface ParseState {
  limits: Readonly<DensitySpecLimits>;
  mixtures: number;
  leafCount: number;
  readonly leaves: (LeafDistribution | null)[];
  readonly weights: number[];
  readonly means: number[];
  readonly sigmas: number[];
  allNormal: boolean;
  /** Number of leaves found (the arrays are reused, so their length is not the count). */
  size: number;
}

const scratch: ParseState = {
  limits: DEFAULT_DENSITY_LIMITS,
  mixtures: 0,
  leafCount: 0,
  leaves: [],
  weights: [],
  means: [],
  sigmas: [],
  allNormal: true,
  size: 0,
};

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Quotes a model-supplied string for a reason, cut short so a reason stays small. */
export function quoteForReason(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value;
  return JSON.stringify(text.length > 32 ? `${text.slice(0, 32)}…` : text);
}

/** Returns null when the node is valid (its leaves pushed to `state`), else the reason. */
function parseNode(node: unknown, depth: number, weight: number, state: ParseState): string | null {
  if (!isPlainObject(node)) return `density spec must be an object, got ${describe(node)}`;
  const type = hasOwn(node, 'type') ? node.type : undefined;
  switch (type) {
    case 'mixture':
      return parseMixture(node, depth, weight, state);
    case 'scipy':
    case 'builtin': {
      const name = hasOwn(node, 'name') ? node.name : undefined;
      const family =
        typeof name === 'string'
          ? (DISTRIBUTION_FAMILIES.get(name) ?? (type === 'builtin' && name === 'normal' ? STATISTICS_NORMAL : undefined))
          : undefined;
      if (family === undefined) return `unknown ${type} distribution ${quoteForReason(name)}`;
      return parseLeaf(node, family, name as string, weight, state);
    }
    case 'statistics': {
      const name = hasOwn(node, 'name') ? node.name : undefined;
      if (name !== 'normal') return `unknown statistics distribution ${quoteForReason(name)}`;
      return parseLeaf(node, STATISTICS_NORMAL, name, weight, state);
    }
    default:
      return `unknown density type ${quoteForReason(type)}`;
  }
}

function parseMixture(node: Record<string, unknown>, depth: number, weight: number, state: ParseState): string | null {
  const { limits } = state;
  if (depth >= limits.maxDepth) return `mixtures nested deeper than ${limits.maxDepth}`;
  if (++state.mixtures > limits.maxMixtures) return `more than ${limits.maxMixtures} mixtures in one spec`;
  const components = hasOwn(node, 'components') ? node.components : undefined;
  if (!Array.isArray(components)) return 'mixture components must be an array';
  if (components.length === 0) return 'mixture has no components';
  if (state.leafCount + components.length > limits.maxLeaves) return `more than ${limits.maxLeaves} leaf distributions`;

  let total = 0;
  for (let i = 0; i < components.length; i++) {
    const component: unknown = components[i];
    if (!isPlainObject(component)) return `mixture component ${i} must be an object`;
    const w = hasOwn(component, 'weight') ? component.weight : undefined;
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) return `mixture weight ${i} must be a finite number >= 0`;
    total += w;
  }
  if (!(total > 0)) return 'mixture weights are all zero';
  if (!Number.isFinite(total)) return 'mixture weights sum to infinity';

  for (let i = 0; i < components.length; i++) {
    const component = components[i] as Record<string, unknown>;
    const density = hasOwn(component, 'density') ? component.density : undefined;
    const rejection = parseNode(density, depth + 1, weight * ((component.weight as number) / total), state);
    if (rejection !== null) return rejection;
  }
  return null;
}

function parseLeaf(
  node: Record<string, unknown>,
  family: DistributionFamily,
  name: string,
  weight: number,
  state: ParseState,
): string | null {
  if (++state.leafCount > state.limits.maxLeaves) return `more than ${state.limits.maxLeaves} leaf distributions`;
  const params = hasOwn(node, 'params') ? node.params : undefined;
  if (!isPlainObject(params)) return `${name}: params must be an object`;

  const shapes: number[] = family.shapes.length === 0 ? NO_SHAPES : [];
  for (const key of family.shapes) {
    const value = readParam(params, key);
    if (typeof value === 'string') return `${name}: ${value}`;
    if (!(value > 0)) return `${name}: ${key} must be > 0`;
    shapes.push(value);
  }
  const loc = readParam(params, family.location);
  if (typeof loc === 'string') return `${name}: ${loc}`;
  const scale = readParam(params, family.scale);
  if (typeof scale === 'string') return `${name}: ${scale}`;
  if (!(scale > 0)) return `${name}: ${family.scale} must be > 0`;

  let keyCount = 0;
  for (const key in params) if (hasOwn(params, key)) keyCount++;
  if (keyCount !== family.shapes.length + 2) {
    const unexpected = Object.keys(params).find((key) => key !== family.location && key !== family.scale && !family.shapes.includes(key));
    return `${name}: unexpected param ${quoteForReason(unexpected)}`;
  }

  const i = state.size++;
  if (family.isNormal) {
    state.leaves[i] = null;
    state.means[i] = loc;
    state.sigmas[i] = scale;
  } else {
    state.allNormal = false;
    state.leaves[i] = family.create(shapes, loc, scale);
    state.means[i] = NaN;
    state.sigmas[i] = NaN;
  }
  state.weights[i] = weight;
  return null;
}

const NO_SHAPES: number[] = [];

/** The finite number under `key`, or a reason string. */
function readParam(params: Record<string, unknown>, key: string): number | string {
  if (!hasOwn(params, key)) return `missing param ${key}`;
  const value = params[key];
  if (typeof value !== 'number') return `param ${key} must be a number, got ${describe(value)}`;
  if (!Number.isFinite(value)) return `param ${key} must be finite`;
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
