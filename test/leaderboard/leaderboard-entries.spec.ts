import { buildLeaderboardEntries, LeaderboardInputs } from '../../src/leaderboard/leaderboard-entries';
import type { ModelStanding } from '../../src/score/model-standing';

const NAMES = ['recent', 'steady', 'anchor'];
const standing = (modelId: string, anchor: number | null, count = 5): ModelStanding => ({
  modelId,
  params: [],
  windows: Object.fromEntries(NAMES.map((n) => [n, { value: anchor, count: anchor === null ? 0 : count, failed: 0, complete: n !== 'anchor', params: anchor === null ? 0 : 1 }])),
});
const model = (id: string, leftAt: Date | null = null) => ({ id, name: `name ${id}`, cruncherId: `c-${id}`, cruncherName: `cn ${id}`, leftAt });
const inputs = (over: Partial<LeaderboardInputs>): LeaderboardInputs => ({
  standings: [],
  models: [],
  windowNames: NAMES,
  rules: { rankBy: 'anchor', direction: 'auto', tiebreakers: ['steady', 'recent'], minScoredPredictions: 1, lowPerformance: null },
  scorerDirection: 'higher',
  previousRanks: new Map(),
  lastStatuses: new Map(),
  ...over,
});

describe('buildLeaderboardEntries', () => {
  it('takes the scorer direction when the competition says auto', () => {
    const standings = [standing('crps-good', 0.1), standing('crps-bad', 0.9)];
    const higher = buildLeaderboardEntries(inputs({ standings }));
    const lower = buildLeaderboardEntries(inputs({ standings, scorerDirection: 'lower' }));
    expect(higher.map((e) => e.model_id)).toEqual(['crps-bad', 'crps-good']);
    expect(lower.map((e) => e.model_id)).toEqual(['crps-good', 'crps-bad']);
  });

  it('lets an explicit direction override the scorer', () => {
    const entries = buildLeaderboardEntries(inputs({ standings: [standing('a', 0.1), standing('b', 0.9)], rules: { ...inputs({}).rules, direction: 'lower' } }));
    expect(entries.map((e) => [e.model_id, e.rank])).toEqual([['a', 1], ['b', 2]]);
  });

  it('ranks a model scoring exactly 0 and keeps its 0 rather than null', () => {
    const entries = buildLeaderboardEntries(inputs({ standings: [standing('zero', 0), standing('one', 1)], models: [model('zero'), model('one')] }));
    expect(entries.map((e) => [e.model_id, e.rank, e.score_anchor])).toEqual([['one', 1, 1], ['zero', 2, 0]]);
  });

  it('lists a known model without scores unranked, and drops a departed model once its windows are empty', () => {
    const entries = buildLeaderboardEntries(
      inputs({
        standings: [standing('scored', 2), standing('departed-recently', 3)],
        models: [model('scored'), model('newcomer'), model('departed-recently', new Date(0)), model('departed-long-ago', new Date(0))],
        previousRanks: new Map([['scored', 2], ['departed-recently', 1]]),
        lastStatuses: new Map([['scored', 'TIMEOUT']]),
      }),
    );
    expect(entries.map((e) => [e.model_id, e.rank, e.left])).toEqual([
      ['scored', 1, false],
      ['newcomer', null, false],
      ['departed-recently', null, true],
    ]);
    expect(entries[0]).toMatchObject({ previous_rank: 2, last_status: 'TIMEOUT', model_name: 'name scored', cruncher_id: 'c-scored', cruncher_name: 'cn scored', scored_count: 5 });
    expect(entries[0].complete).toEqual({ recent: true, steady: true, anchor: false });
    expect(entries[1]).toMatchObject({ score_anchor: null, scored_count: 0, last_status: null });
  });
});
