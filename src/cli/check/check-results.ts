import { paramKey, type CompetitionDefinition } from '../../config/competition/competition.types';
import type { ScoredPredictionRow, RoundHealthRow } from '../../replay/replay-results.repository';
import type { ReplaySession } from '../../replay/replay-session';

/** Predictions of one model per status (SUCCESS, FAILED, TIMEOUT, ABSENT). */
export type StatusCounts = Record<string, number>;

/** How one prediction config went in the check. */
export interface ConfigResult {
  /** `BTC-300-60`. */
  config: string;
  rounds: number;
  /** Predictions the scorer gave a value (penalties of failed predictions not counted). */
  scoredPredictions: number;
}

/** How one model went in the check. */
export interface ModelResult {
  id: string;
  name: string;
  role: 'example' | 'reference-constant' | 'reference-informed';
  /** Why it never ran (did not start), or null. */
  notRunning: string | null;
  statuses: StatusCounts;
  /** A failure reason of its predictions (the first in time order), to say why it answered nothing. */
  firstFailure: string | null;
  scoredPredictions: number;
  /** Mean of its scores (scored predictions only), null when none. */
  meanScore: number | null;
  /** Every score it got was exactly 0. */
  allScoresZero: boolean;
  /** Bytes of JSON of its largest stored answer, null when none was stored. */
  largestPayloadBytes: number | null;
}

/** What the check's replay wrote, summed per config and per model. */
export interface CheckResults {
  configs: ConfigResult[];
  models: ModelResult[];
}

export interface ModelIdentity {
  id: string;
  name: string;
  role: ModelResult['role'];
}

/** Reads the check's results from the session's database once its run ended. */
export async function readCheckResults(session: ReplaySession, competition: CompetitionDefinition, models: readonly ModelIdentity[]): Promise<CheckResults> {
  const [predictions, rounds, payloads] = await Promise.all([session.results.scoredPredictions(), session.results.roundHealth(), session.results.largestPayloads()]);
  return {
    configs: configResults(competition, predictions, rounds),
    models: models.map((m) => modelResult(m, predictions, payloads.get(m.id) ?? null, session.notRunning.find((n) => n.modelId === m.id)?.reason ?? null)),
  };
}

function configResults(competition: CompetitionDefinition, predictions: readonly ScoredPredictionRow[], rounds: readonly RoundHealthRow[]): ConfigResult[] {
  return competition.predictions
    .filter((p) => p.active)
    .map((p) => {
      const same = (r: { asset: string; horizon: number; step: number }) => r.asset === p.asset && r.horizon === p.horizon && r.step === p.step;
      return {
        config: paramKey(p),
        rounds: rounds.filter(same).length,
        scoredPredictions: predictions.filter((r) => same(r) && r.scoreSuccess === true && r.score !== null).length,
      };
    });
}

function modelResult(model: ModelIdentity, predictions: readonly ScoredPredictionRow[], largestPayloadBytes: number | null, notRunning: string | null): ModelResult {
  const own = predictions.filter((p) => p.modelId === model.id);
  const statuses: StatusCounts = {};
  for (const p of own) statuses[p.status] = (statuses[p.status] ?? 0) + 1;
  const scores = own.filter((p) => p.scoreSuccess === true && p.score !== null).map((p) => Number(p.score));
  return {
    ...model,
    notRunning,
    statuses,
    firstFailure: own.find((p) => p.failureReason !== null)?.failureReason ?? null,
    scoredPredictions: scores.length,
    meanScore: scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length,
    allScoresZero: scores.length > 0 && scores.every((s) => s === 0),
    largestPayloadBytes,
  };
}
