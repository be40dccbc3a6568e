import { asObject, booleanOrNull, finiteOrNull, integerOrNull, stringOr } from './json-fields';
import { readWindowScores, WindowScore } from './window-scores';

/** One leaderboard entry as stored in `leaderboards.entries`, read defensively. */
export interface LeaderboardEntry {
  /** Null for a listed but unranked model (it left, or has too few scored predictions). */
  rank: number | null;
  previousRank: number | null;
  modelId: string;
  modelName: string;
  cruncherId: string;
  cruncherName: string;
  left: boolean;
  lastStatus: string | null;
  scoreRecent: number | null;
  scoreSteady: number | null;
  scoreAnchor: number | null;
  /** Per window name; `complete` null when the entry does not say. */
  windows: Record<string, WindowScore>;
}

/**
 * Reads the entries jsonb, sorted by rank then model id, unranked entries (rank null) last.
 * Entries without a model id, or with a rank that is neither null nor a positive integer, are
 * dropped and reported through `onInvalid`.
 *
 * @example
 *   readLeaderboardEntries([{ rank: 1, model_id: 'm1', score_anchor: 0.2 }], ['recent', 'steady', 'anchor'])
 */
export function readLeaderboardEntries(entries: unknown, windowNames: readonly string[], onInvalid: (index: number) => void = () => {}): LeaderboardEntry[] {
  if (!Array.isArray(entries)) return [];
  const out: LeaderboardEntry[] = [];
  entries.forEach((raw, index) => {
    const e = asObject(raw);
    const rank = integerOrNull(e?.rank);
    const rankIsValid = e?.rank === null || (rank !== null && rank >= 1);
    if (!e || typeof e.model_id !== 'string' || e.model_id === '' || !rankIsValid) {
      onInvalid(index);
      return;
    }
    const windows = readWindowScores(e, windowNames);
    const seedScore = (name: string) => (e[`score_${name}`] === undefined ? (windows[name]?.value ?? null) : finiteOrNull(e[`score_${name}`]));
    out.push({
      rank,
      previousRank: integerOrNull(e.previous_rank),
      modelId: e.model_id,
      modelName: stringOr(e.model_name, ''),
      cruncherId: stringOr(e.cruncher_id, ''),
      cruncherName: stringOr(e.cruncher_name, ''),
      left: booleanOrNull(e.left) ?? false,
      lastStatus: typeof e.last_status === 'string' ? e.last_status : null,
      scoreRecent: seedScore('recent'),
      scoreSteady: seedScore('steady'),
      scoreAnchor: seedScore('anchor'),
      windows,
    });
  });
  const rankOrder = (e: LeaderboardEntry) => e.rank ?? Number.MAX_SAFE_INTEGER;
  return out.sort((a, b) => rankOrder(a) - rankOrder(b) || (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
}
