import type { ScoreWindowDefinition } from '../../src/config/competition/competition.types';
import { LeaderboardEntry, readLeaderboardEntries } from '../../src/leaderboard/leaderboard-entry';
import { entriesMissingCompleteness, leaderboardView, seedLeaderboard } from '../../src/report/leaderboard/leaderboard-views';

const windows: ScoreWindowDefinition[] = [
  { name: 'recent', seconds: 3600 },
  { name: 'anchor', seconds: 86400 },
] as ScoreWindowDefinition[];

function entry(over: Partial<LeaderboardEntry>): LeaderboardEntry {
  return {
    rank: 1, model_id: 'm', model_name: 'm', cruncher_name: 'c', cruncher_id: 'c', score_recent: null, score_steady: null, score_anchor: null,
    windows: {}, complete: {}, scored_count: 0, previous_rank: null, left: false, last_status: null, ...over,
  };
}

describe('leaderboardView', () => {
  it('serves the completeness an entry holds without asking the snapshots', () => {
    const full = entry({
      model_id: 'full',
      windows: { recent: { value: 0.2, count: 4, failed: 0, complete: true, params: 1 }, anchor: { value: 0, count: 4, failed: 1, complete: false, params: 1 } },
    });
    expect(entriesMissingCompleteness([full], windows)).toEqual([]);
    expect(leaderboardView(null, [full], windows, new Map()).entries[0].windows).toEqual([
      { name: 'recent', value: 0.2, count: 4, complete: true },
      { name: 'anchor', value: 0, count: 4, complete: false },
    ]);
  });

  it('completes an entry written without windows from its newest snapshot, keeping its own seed score', () => {
    const bare = entry({ model_id: 'bare', score_anchor: 0.05 });
    expect(entriesMissingCompleteness([bare], windows)).toEqual(['bare']);
    const snapshot = new Map([['bare', { anchor: { value: 0.9, count: 7, failed: 0, complete: false } }]]);
    expect(leaderboardView(null, [bare], windows, snapshot).entries[0].windows).toEqual([
      { name: 'recent', value: null, count: null, complete: null },
      { name: 'anchor', value: 0.05, count: 7, complete: false },
    ]);
  });
});

describe('readLeaderboardEntries', () => {
  it('reads back exactly what the leaderboard writes', () => {
    const written = entry({ model_id: 'w', score_recent: 0.2, windows: { recent: { value: 0.2, count: 4, failed: 0, complete: true, params: 1 } }, complete: { recent: true }, scored_count: 4 });
    expect(readLeaderboardEntries(JSON.parse(JSON.stringify([written])))).toEqual([written]);
  });

  it('leaves out a window that is not well-formed', () => {
    const [read] = readLeaderboardEntries([{ rank: 1, model_id: 'x', windows: { recent: { value: 'high', count: 1, complete: true }, anchor: { value: null, count: 0, complete: false } } }]);
    expect(Object.keys(read.windows)).toEqual(['anchor']);
  });
});

describe('seedLeaderboard', () => {
  const at = new Date('2025-01-01T00:00:00Z');

  it('gives every row every column property after the seed fields: username, status, reward, each window, entry fields, null for the rest', () => {
    const rows = seedLeaderboard(
      at,
      [
        entry({ model_id: 'a', cruncher_name: 'ann', previous_rank: 2, windows: { weekly: { value: 0.7, count: 3, failed: 0, complete: true, params: 1 } } }),
        entry({ model_id: 'b', rank: 2, left: true }),
      ],
      ['recent', 'steady', 'anchor', 'weekly'],
      ['username', 'model_id', 'score_weekly', 'previous_rank', 'reward_pct'],
    );
    expect(Object.keys(rows[0])).toEqual([
      'created_at', 'model_id', 'score_recent', 'score_steady', 'score_anchor', 'rank', 'model_name', 'cruncher_name',
      'username', 'status', 'reward', 'score_weekly', 'previous_rank', 'reward_pct',
    ]);
    expect(rows[0]).toMatchObject({ username: 'ann', status: 'active', reward: null, score_weekly: 0.7, previous_rank: 2, reward_pct: null });
    expect(rows[1]).toMatchObject({ status: 'inactive', score_weekly: null });
  });

  it("gives each row the model's cumulative reward: its total, 0 before its first payout, null when the competition pays none", () => {
    const entries = [entry({ model_id: 'a' }), entry({ model_id: 'b', rank: 2 })];
    const paid = seedLeaderboard(at, entries, [], [], new Map([['a', 12.5]]));
    expect(paid.map((r) => [r.model_id, r.reward])).toEqual([['a', 12.5], ['b', 0]]);
    expect(seedLeaderboard(at, entries).map((r) => r.reward)).toEqual([null, null]);
    const view = leaderboardView(at, entries, [], new Map(), new Map([['b', 3]]));
    expect(view.entries.map((r) => [r.model_id, r.reward])).toEqual([['a', 0], ['b', 3]]);
  });
});
