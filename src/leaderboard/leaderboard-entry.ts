import { asObject, finiteOrNull, integerOrNull, stringOr } from '../database/stored-json';
import { isPredictionStatus, PredictionStatus } from '../predict/round/prediction-round';
import type { OverallWindowScore } from '../score/model-standing';
import { readWindowScores } from '../score/stored-standing';
import type { BreakdownRank } from './leaderboard-breakdown';

/**
 * One row of a stored leaderboard (`leaderboards.entries`), in the report API's snake_case: the
 * one shape the leaderboard writes and the report reads.
 * `rank` is null for a model that is listed but not ranked: it left the competition, an operator
 * excluded it, or it has fewer than `minScoredPredictions` scored predictions in the ranking window.
 */
export interface LeaderboardEntry {
  rank: number | null;
  model_id: string;
  model_name: string;
  cruncher_name: string;
  cruncher_id: string;
  score_recent: number | null;
  score_steady: number | null;
  score_anchor: number | null;
  /** Every configured window: value, count, failed, params, complete. */
  windows: Record<string, OverallWindowScore>;
  /** Window name -> complete (the model has been scored for the whole window). */
  complete: Record<string, boolean>;
  /** Scored predictions in the ranking window. */
  scored_count: number;
  /** Rank in the previous leaderboard (null: unranked or absent there), for trend arrows. */
  previous_rank: number | null;
  /** The model left the competition (models.left_at set): shown while it has scores, never ranked. */
  left: boolean;
  /** Status of the model's latest prediction, null if none. */
  last_status: PredictionStatus | null;
  /** The model's standing in the competition (see ModelLeaderboardStatus); read it with `entryStatus` (absent on entries built before it existed). */
  status?: ModelLeaderboardStatus;
  /** Rank and scores within each horizon (`"3600"`); absent on leaderboards stored before it existed. */
  ranks_by_horizon?: Record<string, BreakdownRank>;
  /** Rank and scores within each `ASSET:HORIZON` (`"BTC:3600"`); absent on leaderboards stored before it existed. */
  ranks_by_param?: Record<string, BreakdownRank>;
}

/**
 * What the leaderboard says of a model, the strongest first: `excluded` by an operator (history
 * kept, never ranked, never paid), `disabled` by an operator (no calls; ranked on the scores it
 * has until it leaves), `inactive` (it left), else `active`.
 */
export const MODEL_LEADERBOARD_STATUSES = ['active', 'inactive', 'disabled', 'excluded'] as const;
export type ModelLeaderboardStatus = (typeof MODEL_LEADERBOARD_STATUSES)[number];

/** A model's status from what the registry says of it. */
export function modelLeaderboardStatus(model: { left: boolean; disabled: boolean; excluded: boolean }): ModelLeaderboardStatus {
  if (model.excluded) return 'excluded';
  if (model.disabled) return 'disabled';
  return model.left ? 'inactive' : 'active';
}

/** An entry's status; an entry without one (built before the operator flags) is `inactive` once left, else `active`. */
export function entryStatus(entry: Pick<LeaderboardEntry, 'status' | 'left'>): ModelLeaderboardStatus {
  return entry.status ?? (entry.left ? 'inactive' : 'active');
}

export interface Leaderboard {
  id: string;
  createdAt: Date;
  entries: LeaderboardEntry[];
}

/** The seed's three windows, which every entry also carries as `score_<name>`. */
export type SeedWindow = 'recent' | 'steady' | 'anchor';

/**
 * Reads stored entries without trusting them (a row may come from an older version or another
 * writer), sorted by rank then model id, unranked entries (rank null) last. Entries without a
 * model id, or with a rank that is neither null nor a positive integer, are dropped and reported
 * through `onInvalid`. A missing text reads as '', a missing number as null; a window that is not
 * well-formed is left out of `windows` (its seed score, if any, stays in `score_<name>`).
 *
 * @example
 *   readLeaderboardEntries([{ rank: 1, model_id: 'm1', score_anchor: 0.2 }])
 *   // [{ rank: 1, model_id: 'm1', score_anchor: 0.2, score_recent: null, windows: {}, ... }]
 */
export function readLeaderboardEntries(stored: unknown, onInvalid: (index: number) => void = () => {}): LeaderboardEntry[] {
  if (!Array.isArray(stored)) return [];
  const out: LeaderboardEntry[] = [];
  stored.forEach((raw, index) => {
    const e = asObject(raw);
    const rank = integerOrNull(e?.rank);
    const rankIsValid = e?.rank === null || (rank !== null && rank >= 1);
    if (!e || typeof e.model_id !== 'string' || e.model_id === '' || !rankIsValid) {
      onInvalid(index);
      return;
    }
    const windows = readWindowScores(e.windows);
    const seedScore = (name: SeedWindow) => (e[`score_${name}`] === undefined ? (windows[name]?.value ?? null) : finiteOrNull(e[`score_${name}`]));
    const complete: Record<string, boolean> = {};
    for (const [name, flag] of Object.entries(asObject(e.complete) ?? {})) if (typeof flag === 'boolean') complete[name] = flag;
    out.push({
      rank,
      model_id: e.model_id,
      model_name: stringOr(e.model_name, ''),
      cruncher_name: stringOr(e.cruncher_name, ''),
      cruncher_id: stringOr(e.cruncher_id, ''),
      score_recent: seedScore('recent'),
      score_steady: seedScore('steady'),
      score_anchor: seedScore('anchor'),
      windows,
      complete,
      scored_count: integerOrNull(e.scored_count) ?? 0,
      previous_rank: integerOrNull(e.previous_rank),
      left: e.left === true,
      last_status: isPredictionStatus(e.last_status) ? e.last_status : null,
      // Leaderboards stored before the operator flags existed carry no status: readers derive it (entryStatus).
      ...((MODEL_LEADERBOARD_STATUSES as readonly unknown[]).includes(e.status) ? { status: e.status as ModelLeaderboardStatus } : {}),
      ...breakdownsOf(e),
    });
  });
  const rankOrder = (e: LeaderboardEntry) => e.rank ?? Number.MAX_SAFE_INTEGER;
  return out.sort((a, b) => rankOrder(a) - rankOrder(b) || (a.model_id < b.model_id ? -1 : a.model_id > b.model_id ? 1 : 0));
}

/** The stored rank breakdowns, keeping only well-formed ranks (rank null or a positive integer, finite-or-null scores). */
function breakdownsOf(e: Record<string, unknown>): Pick<LeaderboardEntry, 'ranks_by_horizon' | 'ranks_by_param'> {
  const out: Pick<LeaderboardEntry, 'ranks_by_horizon' | 'ranks_by_param'> = {};
  for (const field of ['ranks_by_horizon', 'ranks_by_param'] as const) {
    const stored = asObject(e[field]);
    if (!stored) continue;
    const ranks: Record<string, BreakdownRank> = {};
    for (const [key, raw] of Object.entries(stored)) {
      const r = asObject(raw);
      const rank = integerOrNull(r?.rank);
      if (!r || !(r.rank === null || (rank !== null && rank >= 1))) continue;
      const score: Record<string, number | null> = {};
      for (const [name, value] of Object.entries(asObject(r.score) ?? {})) score[name] = finiteOrNull(value);
      ranks[key] = { rank, score };
    }
    out[field] = ranks;
  }
  return out;
}
