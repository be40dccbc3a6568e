import { ScoreWindowDefinition } from '../../config/competition/competition.types';
import { entryStatus, type LeaderboardEntry, type SeedWindow } from '../../leaderboard/leaderboard-entry';
import type { WindowScore } from '../../score/model-standing';
import { LeaderboardEntryDto, LeaderboardRowDto, LeaderboardViewDto } from '../dto/leaderboard.dto';
import { isoUtc } from '../read-model/iso-utc';

/** Row fields the web app's columns may name beyond the seed's eight: every window's score, and these. */
const ENTRY_FIELDS = ['cruncher_id', 'previous_rank', 'last_status', 'scored_count', 'left'] as const;

/**
 * The seed's `GET /reports/leaderboard` body: its eight fields first, in its order, sorted by
 * rank, then what the ecosystem web app's columns read from each row (`row[column.property]`):
 * `username` (the cruncher), `status` (`active`, `inactive` once the model left, `disabled` or `excluded` by an operator), the score of
 * every window (`score_<name>`), the model's cumulative `reward` (null when the competition pays
 * none), and every other property `columnProperties` names (an entry
 * field such as `last_status`, or null when the node has no such value). Unranked entries are
 * left out: the seed's `rank` is always an integer from 1.
 *
 * @example
 *   seedLeaderboard(new Date('2025-01-01T00:00:00Z'), entries, ['recent', 'steady', 'anchor'], ['username', 'model_id'])[0]
 *   // { created_at: '2025-01-01T00:00:00.000Z', model_id: 'm1', score_recent: 0.1, ..., cruncher_name: 'b', username: 'b', status: 'active' }
 */
export function seedLeaderboard(
  createdAt: Date,
  entries: readonly LeaderboardEntry[],
  windowNames: readonly string[] = [],
  columnProperties: readonly string[] = [],
  rewards: RewardTotals | null = null,
): Array<LeaderboardEntryDto & Record<string, unknown>> {
  const created_at = isoUtc(createdAt);
  const ranked = entries.filter((e): e is LeaderboardEntry & { rank: number } => e.rank !== null);
  return ranked.map((e) => {
    const row: LeaderboardEntryDto & Record<string, unknown> = {
      created_at,
      model_id: e.model_id,
      score_recent: e.score_recent,
      score_steady: e.score_steady,
      score_anchor: e.score_anchor,
      rank: e.rank,
      model_name: e.model_name,
      cruncher_name: e.cruncher_name,
      username: e.cruncher_name,
      status: entryStatus(e),
      reward: cumulativeReward(rewards, e.model_id),
    };
    for (const name of windowNames) {
      const key = `score_${name}`;
      if (!(key in row)) row[key] = ownWindow(e, name)?.value ?? null;
    }
    for (const property of columnProperties) {
      if (Object.prototype.hasOwnProperty.call(row, property)) continue;
      row[property] = (ENTRY_FIELDS as readonly string[]).includes(property) ? e[property as (typeof ENTRY_FIELDS)[number]] : null;
    }
    return row;
  });
}

/**
 * Each model's cumulative reward over the competition's checkpoints (CheckpointRepository.rewardTotals),
 * or null when the competition pays no rewards: then every row's `reward` is null.
 */
export type RewardTotals = ReadonlyMap<string, number>;

function cumulativeReward(rewards: RewardTotals | null, modelId: string): number | null {
  return rewards === null ? null : (rewards.get(modelId) ?? 0);
}

/** Ids of the entries that do not say, for some window, how many predictions it holds and whether it is complete. */
export function entriesMissingCompleteness(entries: readonly LeaderboardEntry[], windows: readonly ScoreWindowDefinition[]): string[] {
  return entries.filter((e) => windows.some((w) => ownWindow(e, w.name) === undefined)).map((e) => e.model_id);
}

/**
 * The web page's leaderboard: every window of the competition with its partial-window marker.
 * The entry's own window says it; for an entry that does not (written by an older version or by
 * hand), count and completeness come from the model's newest snapshot (`snapshotWindows`).
 */
export function leaderboardView(
  createdAt: Date | null,
  entries: readonly LeaderboardEntry[],
  windows: readonly ScoreWindowDefinition[],
  snapshotWindows: ReadonlyMap<string, Readonly<Record<string, WindowScore>>>,
  rewards: RewardTotals | null = null,
): LeaderboardViewDto {
  const rows: LeaderboardRowDto[] = entries.map((e) => {
    const snapshot = snapshotWindows.get(e.model_id);
    return {
      rank: e.rank,
      previous_rank: e.previous_rank,
      model_id: e.model_id,
      model_name: e.model_name,
      cruncher_id: e.cruncher_id,
      cruncher_name: e.cruncher_name,
      left: e.left,
      status: entryStatus(e),
      last_status: e.last_status,
      score_recent: e.score_recent,
      score_steady: e.score_steady,
      score_anchor: e.score_anchor,
      reward: cumulativeReward(rewards, e.model_id),
      windows: windows.map(({ name }) => {
        const own = ownWindow(e, name);
        const snap = snapshot && Object.prototype.hasOwnProperty.call(snapshot, name) ? snapshot[name] : undefined;
        return {
          name,
          value: own ? own.value : seedScore(e, name),
          count: own?.count ?? snap?.count ?? null,
          complete: own?.complete ?? e.complete[name] ?? snap?.complete ?? null,
        };
      }),
    };
  });
  return { created_at: createdAt ? isoUtc(createdAt) : null, entries: rows };
}

function ownWindow(e: LeaderboardEntry, name: string): WindowScore | undefined {
  return Object.prototype.hasOwnProperty.call(e.windows, name) ? e.windows[name] : undefined;
}

function seedScore(e: LeaderboardEntry, name: string): number | null {
  const seed: Record<SeedWindow, number | null> = { recent: e.score_recent, steady: e.score_steady, anchor: e.score_anchor };
  return Object.prototype.hasOwnProperty.call(seed, name) ? seed[name as SeedWindow] : null;
}
