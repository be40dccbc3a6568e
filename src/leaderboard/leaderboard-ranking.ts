/** What ranking looks at for one model. */
export interface RankCandidate {
  modelId: string;
  /** Window name -> overall value (null: nothing scored; 0 is a value). */
  values: Record<string, number | null>;
  /** Scored predictions in the ranking window. */
  scoredCount: number;
  left: boolean;
  /** Excluded by an operator: listed, never ranked. */
  excluded?: boolean;
}

export interface RankingRules {
  rankBy: string;
  tiebreakers: readonly string[];
  /** Resolved direction (`auto` already replaced by the scorer's). */
  direction: 'higher' | 'lower';
  minScoredPredictions: number;
}

/**
 * Orders models and assigns ranks 1..n: by the `rankBy` window, then each tiebreaker window, better
 * first per `direction`; a null value sorts after every number (0.0 is a number, not missing);
 * the final tiebreak is the model id, so equal scores still get a stable order. Models that left,
 * were excluded by an operator, or have fewer than `minScoredPredictions` scored predictions are
 * listed after the ranked ones with rank null (still-active ones first).
 *
 * @example
 *   rankModels([{ modelId: 'a', values: { anchor: 0 }, scoredCount: 5, left: false },
 *               { modelId: 'b', values: { anchor: null }, scoredCount: 5, left: false }],
 *              { rankBy: 'anchor', tiebreakers: [], direction: 'higher', minScoredPredictions: 1 });
 *   // [{ modelId: 'a', rank: 1 }, { modelId: 'b', rank: 2 }]
 */
export function rankModels<T extends RankCandidate>(candidates: readonly T[], rules: RankingRules): Array<T & { rank: number | null }> {
  const keys = [rules.rankBy, ...rules.tiebreakers];
  const better = rules.direction === 'higher' ? -1 : 1;
  const compare = (a: T, b: T): number => {
    for (const key of keys) {
      const x = a.values[key] ?? null;
      const y = b.values[key] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      if (x !== y) return x > y ? better : -better;
    }
    return a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0;
  };
  const eligible = (c: T) => !c.left && !c.excluded && c.scoredCount >= rules.minScoredPredictions;
  const ranked = candidates.filter(eligible).sort(compare);
  const gone = (c: T) => Number(c.left || c.excluded === true);
  const unranked = candidates.filter((c) => !eligible(c)).sort((a, b) => gone(a) - gone(b) || compare(a, b));
  return [...ranked.map((c, i) => ({ ...c, rank: i + 1 })), ...unranked.map((c) => ({ ...c, rank: null }))];
}
