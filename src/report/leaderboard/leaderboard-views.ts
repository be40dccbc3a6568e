import { ScoreWindowDefinition } from '../../config/competition/competition.types';
import { LeaderboardEntryDto, LeaderboardRowDto, LeaderboardViewDto } from '../dto/leaderboard.dto';
import { isoUtc } from '../read-model/json-fields';
import { LeaderboardEntry } from '../read-model/leaderboard-entries';
import { readWindowScores } from '../read-model/window-scores';

/**
 * The seed's `GET /reports/leaderboard` body: exactly its eight fields, in its order, sorted by
 * rank. Unranked entries are left out: the seed's `rank` is always an integer from 1.
 *
 * @example
 *   seedLeaderboard(new Date('2025-01-01T00:00:00Z'), entries)[0]
 *   // { created_at: '2025-01-01T00:00:00.000Z', model_id: 'm1', score_recent: 0.1, ..., rank: 1, model_name: 'a', cruncher_name: 'b' }
 */
export function seedLeaderboard(createdAt: Date, entries: LeaderboardEntry[]): LeaderboardEntryDto[] {
  const created_at = isoUtc(createdAt);
  const ranked = entries.filter((e): e is LeaderboardEntry & { rank: number } => e.rank !== null);
  return ranked.map((e) => ({
    created_at,
    model_id: e.modelId,
    score_recent: e.scoreRecent,
    score_steady: e.scoreSteady,
    score_anchor: e.scoreAnchor,
    rank: e.rank,
    model_name: e.modelName,
    cruncher_name: e.cruncherName,
  }));
}

/**
 * The web page's leaderboard: every window of the competition with its partial-window marker.
 * Completeness missing from an entry is taken from the model's newest snapshot (`snapshotWindows`).
 */
export function leaderboardView(
  createdAt: Date | null,
  entries: LeaderboardEntry[],
  windows: readonly ScoreWindowDefinition[],
  snapshotWindows: Map<string, unknown>,
): LeaderboardViewDto {
  const names = windows.map((w) => w.name);
  const rows: LeaderboardRowDto[] = entries.map((e) => {
    const fromSnapshot = snapshotWindows.has(e.modelId) ? readWindowScores({}, names, snapshotWindows.get(e.modelId)) : undefined;
    return {
      rank: e.rank,
      previous_rank: e.previousRank,
      model_id: e.modelId,
      model_name: e.modelName,
      cruncher_id: e.cruncherId,
      cruncher_name: e.cruncherName,
      left: e.left,
      last_status: e.lastStatus,
      score_recent: e.scoreRecent,
      score_steady: e.scoreSteady,
      score_anchor: e.scoreAnchor,
      windows: names.map((name) => {
        const own = e.windows[name];
        const snap = fromSnapshot?.[name];
        return {
          name,
          value: own?.value ?? null,
          count: own?.count ?? snap?.count ?? null,
          complete: own?.complete ?? snap?.complete ?? null,
        };
      }),
    };
  });
  return { created_at: createdAt ? isoUtc(createdAt) : null, entries: rows };
}
