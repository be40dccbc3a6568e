import { overallValue, type ModelStanding, type ParamStanding } from '../score/model-standing';
import { rankModels, type RankingRules } from './leaderboard-ranking';

/** A model's rank and window scores within one horizon or one `ASSET:HORIZON`; rank null: listed but not ranked there. */
export interface BreakdownRank {
  rank: number | null;
  /** Window name -> value (null: nothing scored there in that window). */
  score: Record<string, number | null>;
}

/** Per model: the real Synth leaderboard's `ranks_by_horizon` (keyed `"3600"`) and `ranks_by_param` (keyed `"BTC:3600"`). */
export interface RankBreakdown {
  ranks_by_horizon: Record<string, BreakdownRank>;
  ranks_by_param: Record<string, BreakdownRank>;
}

export interface BreakdownInputs {
  standings: readonly ModelStanding[];
  windowNames: readonly string[];
  /** The overall ranking's rules (window, tiebreakers, resolved direction, minimum scored predictions). */
  rules: RankingRules;
  /** Models never ranked (they left the competition, or an operator excluded them). */
  leftIds: ReadonlySet<string>;
  assetWeights?: Readonly<Record<string, number>>;
}

interface Group {
  key: string;
  params: readonly ParamStanding[];
}

/**
 * Ranks every model again within each horizon and within each `ASSET:HORIZON`, with the rules of
 * the overall ranking. A horizon's score per window is the asset-weighted mean over its parameter
 * sets (`overallValue`, as the overall score); an `ASSET:HORIZON` score is the mean over that
 * pair's parameter sets (one per step list; usually exactly one). A model appears only under the
 * keys it has a score for in some window.
 *
 * @example
 *   rankBreakdowns({ standings, windowNames: ['anchor'], rules, leftIds: new Set(), assetWeights: { BTC: 1, ETH: 0.7 } })
 *   // Map { 'm1' => { ranks_by_horizon: { '3600': { rank: 1, score: { anchor: 0.52 } } },
 *   //                 ranks_by_param: { 'BTC:3600': { rank: 2, score: { anchor: 0.51 } }, 'ETH:3600': ... } } }
 */
export function rankBreakdowns(inputs: BreakdownInputs): Map<string, RankBreakdown> {
  const out = new Map<string, RankBreakdown>(inputs.standings.map((s) => [s.modelId, { ranks_by_horizon: {}, ranks_by_param: {} }]));
  const byHorizon = groupsOf(inputs.standings, (p) => String(p.horizon));
  const byParam = groupsOf(inputs.standings, (p) => `${p.asset}:${p.horizon}`);
  rankGroups(inputs, byHorizon, inputs.assetWeights, (modelId, key, rank) => (out.get(modelId)!.ranks_by_horizon[key] = rank));
  rankGroups(inputs, byParam, undefined, (modelId, key, rank) => (out.get(modelId)!.ranks_by_param[key] = rank));
  return out;
}

/** Key -> model id -> that model's parameter sets under the key. */
function groupsOf(standings: readonly ModelStanding[], keyOf: (p: ParamStanding) => string): Map<string, Map<string, Group>> {
  const groups = new Map<string, Map<string, Group>>();
  for (const standing of standings) {
    for (const param of standing.params) {
      const key = keyOf(param);
      const models = groups.get(key) ?? new Map<string, Group>();
      groups.set(key, models);
      const group = models.get(standing.modelId);
      models.set(standing.modelId, { key, params: group ? [...group.params, param] : [param] });
    }
  }
  return groups;
}

function rankGroups(
  inputs: BreakdownInputs,
  groups: ReadonlyMap<string, ReadonlyMap<string, Group>>,
  assetWeights: Readonly<Record<string, number>> | undefined,
  put: (modelId: string, key: string, rank: BreakdownRank) => void,
): void {
  for (const [key, models] of groups) {
    const candidates = [...models].map(([modelId, group]) => ({
      modelId,
      values: Object.fromEntries(inputs.windowNames.map((w) => [w, overallValue(group.params, w, assetWeights)])),
      scoredCount: group.params.reduce((acc, p) => acc + (p.windows[inputs.rules.rankBy]?.count ?? 0), 0),
      left: inputs.leftIds.has(modelId),
    }));
    for (const c of rankModels(candidates, inputs.rules)) {
      // Nothing scored there in any window yet (e.g. only void failures): not listed under that key.
      if (Object.values(c.values).every((v) => v === null)) continue;
      put(c.modelId, key, { rank: c.rank, score: c.values });
    }
  }
}
