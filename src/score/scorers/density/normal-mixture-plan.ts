import { FloatSlot } from '../../../predict/round/density-payload-codec';
import { CompiledDensity } from './compiled-density';
import type { DensitySpecLimits } from './density-spec.parser';
import { DISTRIBUTION_FAMILIES, STATISTICS_NORMAL } from './leaf-distributions';

/** A number of a step: a float of the step (`FloatSlot`) or a constant of the structure. */
type Ref = FloatSlot | number;

interface PlanLeaf {
  loc: Ref;
  scale: Ref;
  /** Per mixture level from the root: [mixture index, component index]. */
  path: ReadonlyArray<readonly [number, number]>;
}

/**
 * How to compile one step of a density payload straight from its float64 numbers, for a step
 * structure (a compact payload's step template) that is a normal leaf or a mixture, possibly
 * nested, of normal leaves: the common case, compiled with the same arithmetic as
 * `parseDensitySpec` (weights normalised level by level, leaves of weight 0 dropped) and no
 * object per step. `compile` returns null for any step whose numbers `parseDensitySpec` would
 * reject (a scale <= 0, a negative weight, ...): the caller then parses that step to get its reason.
 * A structure the plan does not cover (other families, limits exceeded, odd keys) has no plan.
 *
 * @example
 *   const plan = NormalMixturePlan.of(steps.template, limits); // null: parse each step instead
 *   const density = plan?.compile(steps.floats, k * steps.floatsPerStep);
 */
export class NormalMixturePlan {
  /** Every number the plan reads, flattened: a float of the step (`slot[r]` >= 0) or the constant `constant[r]`. */
  private readonly slot: Int32Array;
  private readonly constant: Float64Array;
  /** Mixture m's component weights are refs `weightRef[mixtureStart[m]]` up to `mixtureStart[m + 1]`. */
  private readonly mixtureStart: Int32Array;
  private readonly weightRef: Int32Array;
  /** Leaf l: refs of its loc and scale; its path entries are `pathStart[l]` up to `pathStart[l + 1]`. */
  private readonly locRef: Int32Array;
  private readonly scaleRef: Int32Array;
  private readonly pathStart: Int32Array;
  /** Path entry: the mixture, and the ref of the component's weight. */
  private readonly pathMixture: Int32Array;
  private readonly pathWeightRef: Int32Array;
  /** Per mixture: its total weight, for the step being compiled. */
  private readonly totals: Float64Array;
  /** The kept leaves' numbers, for the step being compiled. */
  private readonly means: Float64Array;
  private readonly sigmas: Float64Array;
  private readonly leafWeights: Float64Array;
  /** One reusable density per count of kept leaves (leaves of weight 0 are dropped). */
  private readonly scratch: Array<CompiledDensity | undefined> = [];

  private constructor(leaves: readonly PlanLeaf[], mixtures: ReadonlyArray<readonly Ref[]>) {
    const refs: Ref[] = [];
    const ref = (r: Ref) => refs.push(r) - 1;
    const weightRefs: number[][] = mixtures.map((weights) => weights.map(ref));
    this.mixtureStart = startOffsets(weightRefs.map((w) => w.length));
    this.weightRef = Int32Array.from(weightRefs.flat());
    this.locRef = Int32Array.from(leaves.map((l) => ref(l.loc)));
    this.scaleRef = Int32Array.from(leaves.map((l) => ref(l.scale)));
    this.pathStart = startOffsets(leaves.map((l) => l.path.length));
    this.pathMixture = Int32Array.from(leaves.flatMap((l) => l.path.map(([mixture]) => mixture)));
    this.pathWeightRef = Int32Array.from(leaves.flatMap((l) => l.path.map(([mixture, component]) => weightRefs[mixture][component])));
    this.slot = Int32Array.from(refs.map((r) => (typeof r === 'number' ? -1 : r.index)));
    this.constant = Float64Array.from(refs.map((r) => (typeof r === 'number' ? r : 0)));
    this.totals = new Float64Array(mixtures.length);
    this.means = new Float64Array(leaves.length);
    this.sigmas = new Float64Array(leaves.length);
    this.leafWeights = new Float64Array(leaves.length);
  }

  /** The plan of a step template, cached by template identity (templates are shared per structure). */
  static of(template: unknown, limits: Readonly<DensitySpecLimits>): NormalMixturePlan | null {
    let byLimits = plans.get(template as object);
    if (byLimits === undefined) {
      if (typeof template !== 'object' || template === null) return null;
      byLimits = new Map();
      plans.set(template, byLimits);
    }
    const cached = byLimits.get(limits);
    if (cached !== undefined) return cached;
    const builder = new PlanBuilder(limits);
    const plan = builder.node(template, 0, []) ? new NormalMixturePlan(builder.leaves, builder.mixtures) : null;
    byLimits.set(limits, plan);
    return plan;
  }

  /**
   * The step's density from `floats` starting at `offset`, or null when its numbers are not a valid spec.
   * The density is this plan's own, refilled by its next `compile`: evaluate it before compiling
   * another step, and keep numbers, not the density (no object per step: a cycle compiles 60
   * steps of each of 100,000 predictions, whose garbage cost more than their scoring).
   */
  compile(floats: Float64Array, offset: number): CompiledDensity | null {
    const { slot, constant, mixtureStart, weightRef, totals } = this;
    const value = (r: number) => (slot[r] >= 0 ? floats[offset + slot[r]] : constant[r]);
    for (let m = 0; m + 1 < mixtureStart.length; m++) {
      let total = 0;
      for (let c = mixtureStart[m]; c < mixtureStart[m + 1]; c++) {
        const w = value(weightRef[c]);
        if (!Number.isFinite(w) || w < 0) return null;
        total += w;
      }
      if (!(total > 0) || !Number.isFinite(total)) return null;
      totals[m] = total;
    }
    const { locRef, scaleRef, pathStart, pathMixture, pathWeightRef, means, sigmas, leafWeights } = this;
    let kept = 0;
    for (let l = 0; l < locRef.length; l++) {
      const loc = value(locRef[l]);
      const scale = value(scaleRef[l]);
      if (!Number.isFinite(loc) || !Number.isFinite(scale) || !(scale > 0)) return null;
      let weight = 1;
      for (let e = pathStart[l]; e < pathStart[l + 1]; e++) weight = weight * (value(pathWeightRef[e]) / totals[pathMixture[e]]);
      if (weight > 0) {
        means[kept] = loc;
        sigmas[kept] = scale;
        leafWeights[kept] = weight;
        kept++;
      }
    }
    const density = (this.scratch[kept] ??= CompiledDensity.normalScratch(kept));
    density.refillNormals(means, sigmas, leafWeights);
    return density;
  }
}

const plans = new WeakMap<object, Map<Readonly<DensitySpecLimits>, NormalMixturePlan | null>>();

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof FloatSlot);
}

function isRef(value: unknown): value is Ref {
  return value instanceof FloatSlot || typeof value === 'number';
}

/** Walks a step template as parseDensitySpec walks a spec; false for anything outside the plan. */
class PlanBuilder {
  readonly leaves: PlanLeaf[] = [];
  readonly mixtures: Ref[][] = [];
  private leafCount = 0;

  constructor(private readonly limits: Readonly<DensitySpecLimits>) {}

  node(node: unknown, depth: number, path: ReadonlyArray<readonly [number, number]>): boolean {
    if (!isPlainObject(node)) return false;
    const type = hasOwn(node, 'type') ? node.type : undefined;
    if (type === 'mixture') return this.mixture(node, depth, path);
    const name = hasOwn(node, 'name') ? node.name : undefined;
    if (typeof name !== 'string') return false;
    const family =
      type === 'scipy' || type === 'builtin'
        ? (DISTRIBUTION_FAMILIES.get(name) ?? (type === 'builtin' && name === 'normal' ? STATISTICS_NORMAL : undefined))
        : type === 'statistics' && name === 'normal'
          ? STATISTICS_NORMAL
          : undefined;
    if (family === undefined || !family.isNormal || family.shapes.length > 0) return false;
    if (++this.leafCount > this.limits.maxLeaves) return false;
    const params = hasOwn(node, 'params') ? node.params : undefined;
    if (!isPlainObject(params)) return false;
    let keyCount = 0;
    for (const key in params) if (hasOwn(params, key)) keyCount++;
    if (keyCount !== 2 || !hasOwn(params, family.location) || !hasOwn(params, family.scale)) return false;
    const loc = params[family.location];
    const scale = params[family.scale];
    if (!isRef(loc) || !isRef(scale)) return false;
    this.leaves.push({ loc, scale, path });
    return true;
  }

  private mixture(node: Record<string, unknown>, depth: number, path: ReadonlyArray<readonly [number, number]>): boolean {
    if (depth >= this.limits.maxDepth || this.mixtures.length + 1 > this.limits.maxMixtures) return false;
    const components = hasOwn(node, 'components') ? node.components : undefined;
    if (!Array.isArray(components) || components.length === 0) return false;
    if (this.leafCount + components.length > this.limits.maxLeaves) return false;
    const index = this.mixtures.length;
    const weights: Ref[] = [];
    this.mixtures.push(weights);
    for (const component of components) {
      if (!isPlainObject(component)) return false;
      const w = hasOwn(component, 'weight') ? component.weight : undefined;
      if (!isRef(w)) return false;
      weights.push(w);
    }
    for (let i = 0; i < components.length; i++) {
      const component = components[i] as Record<string, unknown>;
      const density = hasOwn(component, 'density') ? component.density : undefined;
      if (!this.node(density, depth + 1, [...path, [index, i] as const])) return false;
    }
    return true;
  }
}

/** Where each of consecutive runs of `lengths` starts in their concatenation, and its total last. */
function startOffsets(lengths: readonly number[]): Int32Array {
  const starts = new Int32Array(lengths.length + 1);
  for (let i = 0; i < lengths.length; i++) starts[i + 1] = starts[i] + lengths[i];
  return starts;
}
