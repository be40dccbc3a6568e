import { CompiledDensity } from '../density/compiled-density';
import { DensitySpecLimits, InvalidDensitySpec, parseDensitySpec } from '../density/density-spec.parser';
import { expectedStepCount, readStepPayload, readTruth } from '../prediction-payload';
import { NormalMixturePlan } from '../density/normal-mixture-plan';
import type { UniformSteps } from '../../../predict/round/density-payload-codec';
import { ScoreInput } from '../scorer';

/** Per-step evaluation: a finite number, or a reason the step cannot be scored. */
export type DensityStepEvaluation = (density: CompiledDensity, observation: number, step: number) => number | string;

/**
 * Parses the `horizon/step` density specs of a prediction and sums `evaluate` over the steps,
 * `distributions[k]` against `truth[k]`. Returns the sum and step count, or a short reason
 * naming the first bad step.
 */
export function sumOverDensitySteps(
  input: ScoreInput,
  limits: Readonly<DensitySpecLimits>,
  evaluate: DensityStepEvaluation,
): { sum: number; steps: number } | string {
  const fast = input.compactSteps === undefined ? null : sumOverCompactSteps(input, input.compactSteps, limits, evaluate);
  if (fast !== null) return fast;
  const steps = readStepPayload(input);
  if (typeof steps === 'string') return steps;
  const { count, entries, truth } = steps;
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const density = parseDensitySpec(entries[k], limits);
    if (density instanceof InvalidDensitySpec) return `step ${k}: ${density.reason}`;
    const value = evaluate(density, truth[k], k);
    if (typeof value === 'string') return `step ${k}: ${value}`;
    sum += value;
  }
  return { sum, steps: count };
}

/** The `maxComponents` option: leaf distributions allowed per step's spec. */
export function densityLimits(maxComponents: number): Readonly<DensitySpecLimits> {
  return Object.freeze({ maxDepth: 3, maxMixtures: 5, maxLeaves: maxComponents });
}

/**
 * The same sum read straight from a compact payload's float64 numbers (no object per step), when
 * its steps have a structure NormalMixturePlan covers; null to take the general path instead,
 * which also gives the reason of any step the plan cannot compile.
 */
function sumOverCompactSteps(
  input: ScoreInput,
  steps: UniformSteps,
  limits: Readonly<DensitySpecLimits>,
  evaluate: DensityStepEvaluation,
): { sum: number; steps: number } | string | null {
  const count = expectedStepCount(input.horizon, input.step);
  if (typeof count === 'string' || steps.count !== count) return null;
  const plan = NormalMixturePlan.of(steps.template, limits);
  if (plan === null) return null;
  const truth = readTruth(input.truth, count);
  if (typeof truth === 'string') return truth;
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const density = plan.compile(steps.floats, k * steps.floatsPerStep);
    if (density === null) return null;
    const value = evaluate(density, truth[k], k);
    if (typeof value === 'string') return `step ${k}: ${value}`;
    sum += value;
  }
  return { sum, steps: count };
}
