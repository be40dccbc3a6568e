import type { LeaderboardRow } from './replay-results.repository';
import type { OutputTable } from './outputs/output-table';

/** How a model's final rank moved from variant A to variant B (`change` > 0: it moved up in B). */
export interface RankChange {
  modelId: string;
  modelName: string;
  rankA: number | null;
  rankB: number | null;
  change: number | null;
}

/**
 * The rank changes between two final leaderboards of the same models: every model of either,
 * ordered by its rank in B (unranked last), then in A, then by id.
 *
 * @example
 *   rankChanges([{ modelId: 'm1', rank: 1, ... }, { modelId: 'm2', rank: 2, ... }], [{ modelId: 'm2', rank: 1, ... }, { modelId: 'm1', rank: 2, ... }])
 *   // [{ modelId: 'm2', rankA: 2, rankB: 1, change: 1 }, { modelId: 'm1', rankA: 1, rankB: 2, change: -1 }]
 */
export function rankChanges(a: readonly LeaderboardRow[], b: readonly LeaderboardRow[]): RankChange[] {
  const byId = new Map<string, RankChange>();
  const entry = (row: LeaderboardRow) => {
    const found = byId.get(row.modelId) ?? { modelId: row.modelId, modelName: row.modelName, rankA: null, rankB: null, change: null };
    byId.set(row.modelId, found);
    return found;
  };
  for (const row of a) entry(row).rankA = row.rank;
  for (const row of b) entry(row).rankB = row.rank;
  const order = (r: number | null) => r ?? Number.MAX_SAFE_INTEGER;
  return [...byId.values()]
    .map((c) => ({ ...c, change: c.rankA !== null && c.rankB !== null ? c.rankA - c.rankB : null }))
    .sort((x, y) => order(x.rankB) - order(y.rankB) || order(x.rankA) - order(y.rankA) || x.modelId.localeCompare(y.modelId));
}

export function rankChangesTable(changes: readonly RankChange[]): OutputTable {
  return {
    name: 'rank-changes',
    columns: [
      { name: 'model_id', type: 'STRING' },
      { name: 'model_name', type: 'STRING' },
      { name: 'rank_a', type: 'INT32' },
      { name: 'rank_b', type: 'INT32' },
      { name: 'change', type: 'INT32' },
    ],
    rows: changes.map((c) => [c.modelId, c.modelName, c.rankA, c.rankB, c.change]),
  };
}
