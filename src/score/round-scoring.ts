import type { PenaltyPolicy } from '../config/competition/competition.types';
import { paramKey } from '../config/competition/competition.types';
import { penaltyScore } from './penalty-score';
import { shortReason } from './failure-reason';
import type { ClaimedPrediction, PredictionScoreColumns } from '../predict/round/prediction-round';
import { decodePayload, uniformSteps } from '../predict/round/density-payload-codec';
import type { ResolutionTruth, ScoreDirection, ScoreInput, ScoreOutcome } from './scorers/scorer';

/** A prediction as a cycle claims it: the predictions' repository reads it (predict owns the table). */
export type { ClaimedPrediction };

/** What scoring decided for one prediction (`value` null: no score, e.g. a void round). */
export interface PredictionScore extends PredictionScoreColumns {
  modelId: string;
  param: string;
  resolvableAtMs: number;
}

/**
 * Ground truth of one prediction origin: known values, or known to be unavailable for good.
 * `values` are the parameter-set step's; a multi-resolution origin also has every answered step's.
 */
export type SettledTruth = { ok: true; values: number[]; resolutions?: ResolutionTruth[] } | { ok: false; reason: string };

/** The ground truth a prediction is scored against is shared by predictions with the same key. */
export function truthKey(p: Pick<ClaimedPrediction, 'asset' | 'performedAtMs' | 'horizon' | 'step'>): string {
  return `${p.asset}|${p.performedAtMs}|${p.horizon}|${p.step}`;
}

export interface RoundScoringRules {
  penalty: PenaltyPolicy;
  direction: ScoreDirection;
  options: Record<string, unknown>;
  score(input: ScoreInput): ScoreOutcome;
}

/**
 * The reason a round is void (some prediction's ground truth is unavailable for good), or null.
 * A void round's predictions are never handed to the scorer.
 */
export function voidReason(predictions: readonly ClaimedPrediction[], truthOf: (key: string) => SettledTruth | undefined): string | null {
  for (const p of predictions) {
    const truth = truthOf(truthKey(p));
    if (truth !== undefined && !truth.ok) return truth.reason;
  }
  return null;
}

/**
 * The outcome of one prediction on its own, before the round's penalty: a pure function of the
 * prediction and its ground truth, so it may be computed before the prediction is claimed.
 *
 * @example
 *   scorePrediction(p, (key) => truths.get(key), rules); // { ok: true, value: 41.7 }
 */
export function scorePrediction(p: ClaimedPrediction, truthOf: (key: string) => SettledTruth | undefined, rules: RoundScoringRules): ScoreOutcome {
  if (p.status !== 'SUCCESS') return { ok: false, reason: shortReason(p.failureReason, p.status) };
  const truth = truthOf(truthKey(p));
  if (!truth || !truth.ok) return { ok: false, reason: 'no ground truth' };
  let outcome: ScoreOutcome;
  try {
    const input = scoreInput(p, { truth: truth.values, asset: p.asset, horizon: p.horizon, step: p.step, options: rules.options });
    if (truth.resolutions) input.resolutions = truth.resolutions;
    outcome = rules.score(input);
  } catch (err) {
    // The scorer contract says never throw; a broken scorer must still not stop the cycle.
    return { ok: false, reason: shortReason((err as Error)?.message ?? String(err), 'scorer error') };
  }
  if (outcome.ok && !Number.isFinite(outcome.value)) return { ok: false, reason: `scorer returned a non-finite score (${outcome.value})` };
  return outcome.ok ? outcome : { ok: false, reason: shortReason(outcome.reason, 'invalid prediction') };
}

/**
 * Scores the claimed predictions of one round together, because the penalty of its failed
 * predictions depends on the round's successful scores (`earlierSuccesses`: scores of the same
 * round already stored, if the round was ever scored in parts). `outcomeOf` gives each
 * prediction's own outcome (`scorePrediction`, possibly computed before the claim): successes
 * keep their value, failures get the round's penalty.
 * A round whose ground truth is unavailable for good is void (see `voidReason`): every
 * prediction is recorded as failed with a null score, since nobody could be right or wrong,
 * and no outcome is asked for.
 *
 * @example
 *   settleRound(claimed, (p) => outcomes.get(p.id)!, (key) => truths.get(key), [], { penalty, direction: 'higher' });
 */
export function settleRound(
  predictions: readonly ClaimedPrediction[],
  outcomeOf: (p: ClaimedPrediction) => ScoreOutcome,
  truthOf: (key: string) => SettledTruth | undefined,
  earlierSuccesses: readonly number[],
  rules: Pick<RoundScoringRules, 'penalty' | 'direction'>,
): PredictionScore[] {
  const missing = voidReason(predictions, truthOf);
  if (missing !== null) {
    return predictions.map((p) => scored(p, null, shortReason(missing, 'no ground truth')));
  }
  const roundOutcomes = predictions.map(outcomeOf);
  const successes = [...earlierSuccesses];
  for (const o of roundOutcomes) if (o.ok) successes.push(o.value);
  const penalty = penaltyScore(rules.penalty, successes, rules.direction);
  return predictions.map((p, i) => {
    const o = roundOutcomes[i];
    return o.ok ? { ...scored(p, o.value, null), success: true } : scored(p, penalty, o.reason);
  });
}

/**
 * The scorer's input for a prediction. A compact payload is decoded only if the scorer reads
 * `payload` (a density scorer reads `compactSteps`, its numbers, instead); a text payload is parsed.
 */
function scoreInput(p: ClaimedPrediction, rest: Omit<ScoreInput, 'payload'>): ScoreInput {
  const compact = p.payloadCompact;
  if (!compact) return { payload: p.payloadJson === null ? null : JSON.parse(p.payloadJson), ...rest };
  let decoded: { value: unknown } | null = null;
  const input = rest as ScoreInput;
  Object.defineProperty(input, 'payload', {
    enumerable: true,
    get: () => (decoded ??= { value: decodePayload(compact) }).value,
  });
  const steps = uniformSteps(compact);
  if (steps !== null) input.compactSteps = steps;
  return input;
}

function scored(p: ClaimedPrediction, value: number | null, failedReason: string | null): PredictionScore {
  return {
    id: p.id,
    performedAtMs: p.performedAtMs,
    modelId: p.modelId,
    param: paramKey(p),
    resolvableAtMs: p.resolvableAtMs,
    value,
    success: false,
    failedReason,
  };
}
