import type { LeaderboardDefinition } from '../config/competition/competition.types';
import type { ModelStanding, OverallWindowScore } from '../score/model-standing';
import type { ScoreDirection } from '../score/scorers/scorer';
import { LeaderboardEntry, modelLeaderboardStatus } from './leaderboard-entry';
import { rankBreakdowns } from './leaderboard-breakdown';
import { rankModels } from './leaderboard-ranking';
import type { RegisteredModel } from '../predict/registry/model-registry.repository';
import type { PredictionStatus } from '../predict/round/prediction-round';

export interface LeaderboardInputs {
  standings: readonly ModelStanding[];
  models: readonly (Pick<RegisteredModel, 'id' | 'name' | 'cruncherId' | 'cruncherName' | 'leftAt'> & Partial<Pick<RegisteredModel, 'disabled' | 'excluded'>>)[];
  windowNames: readonly string[];
  rules: LeaderboardDefinition;
  scorerDirection: ScoreDirection;
  previousRanks: ReadonlyMap<string, number | null>;
  lastStatuses: ReadonlyMap<string, PredictionStatus>;
  /** `scoring.assetWeights`: the per-horizon scores weigh assets as the overall score does. */
  assetWeights?: Readonly<Record<string, number>>;
}

/**
 * Builds the entries of a leaderboard. Listed: every model with a score in some window, plus
 * every active (not left) known model even before its first score (unranked). A model that left
 * stays listed (left: true, rank null) while it still has scores in a window and disappears once
 * its windows are empty. A model an operator excluded is listed with status `excluded` and rank
 * null (here and in every breakdown) while it has scores or is active: its history stays, its
 * rank goes. A disabled model keeps its rank on the scores it has (status `disabled`) until it
 * leaves. The ranking itself is `rankModels`; each entry also carries its ranks within each
 * horizon and each `ASSET:HORIZON` (`rankBreakdowns`, same rules).
 */
export function buildLeaderboardEntries(inputs: LeaderboardInputs): LeaderboardEntry[] {
  const { rules } = inputs;
  const modelsById = new Map(inputs.models.map((m) => [m.id, m]));
  const standingsById = new Map(inputs.standings.map((s) => [s.modelId, s]));
  const listed = new Set<string>([...standingsById.keys(), ...inputs.models.filter((m) => m.leftAt === null).map((m) => m.id)]);
  const empty = (): OverallWindowScore => ({ value: null, count: 0, failed: 0, complete: false, params: 0 });
  const candidates = [...listed].map((modelId) => {
    const windows: Record<string, OverallWindowScore> = {};
    for (const name of inputs.windowNames) windows[name] = standingsById.get(modelId)?.windows[name] ?? empty();
    return {
      modelId,
      windows,
      values: Object.fromEntries(inputs.windowNames.map((n) => [n, windows[n].value])),
      scoredCount: windows[rules.rankBy]?.count ?? 0,
      left: (modelsById.get(modelId)?.leftAt ?? null) !== null,
      excluded: Boolean(modelsById.get(modelId)?.excluded),
      disabled: Boolean(modelsById.get(modelId)?.disabled),
    };
  });
  const direction = rules.direction === 'auto' ? inputs.scorerDirection : rules.direction;
  const ranking = { rankBy: rules.rankBy, tiebreakers: rules.tiebreakers, direction, minScoredPredictions: rules.minScoredPredictions } as const;
  const leftIds = new Set(candidates.filter((c) => c.left || c.excluded).map((c) => c.modelId));
  const breakdowns = rankBreakdowns({ standings: inputs.standings, windowNames: inputs.windowNames, rules: ranking, leftIds, assetWeights: inputs.assetWeights });
  return rankModels(candidates, ranking).map(
    (c) => {
      const model = modelsById.get(c.modelId);
      return {
        rank: c.rank,
        model_id: c.modelId,
        model_name: model?.name ?? '',
        cruncher_name: model?.cruncherName ?? '',
        cruncher_id: model?.cruncherId ?? '',
        score_recent: c.values.recent ?? null,
        score_steady: c.values.steady ?? null,
        score_anchor: c.values.anchor ?? null,
        windows: c.windows,
        complete: Object.fromEntries(inputs.windowNames.map((n) => [n, c.windows[n].complete])),
        scored_count: c.scoredCount,
        previous_rank: inputs.previousRanks.get(c.modelId) ?? null,
        left: c.left,
        last_status: inputs.lastStatuses.get(c.modelId) ?? null,
        status: modelLeaderboardStatus(c),
        ranks_by_horizon: breakdowns.get(c.modelId)?.ranks_by_horizon ?? {},
        ranks_by_param: breakdowns.get(c.modelId)?.ranks_by_param ?? {},
      };
    },
  );
}
