import { rankBreakdowns } from '../../src/leaderboard/leaderboard-breakdown';
import { buildLeaderboardEntries } from '../../src/leaderboard/leaderboard-entries';
import { readLeaderboardEntries } from '../../src/leaderboard/leaderboard-entry';
import type { ModelStanding, ParamStanding } from '../../src/score/model-standing';

const WINDOWS = ['recent', 'anchor'];
const rules = { rankBy: 'anchor', tiebreakers: ['recent'], direction: 'lower', minScoredPredictions: 1 } as const;

function param(asset: string, horizon: number, anchor: number | null, step = 60, count = 3): ParamStanding {
  const score = { value: anchor, count: anchor === null ? 0 : count, failed: 0, complete: true };
  return { param: `${asset}-${horizon}-${step}`, asset, horizon, step, windows: { recent: { ...score }, anchor: { ...score } } };
}
function standing(modelId: string, params: ParamStanding[]): ModelStanding {
  const empty = { value: null, count: 0, failed: 0, complete: true, params: 0 };
  return { modelId, params, windows: { recent: empty, anchor: empty } };
}

describe('rankBreakdowns', () => {
  const standings = [
    standing('a', [param('BTC', 3600, 1), param('ETH', 3600, 4), param('BTC', 86400, 9)]),
    standing('b', [param('BTC', 3600, 2), param('ETH', 3600, 2)]),
  ];

  it('ranks each ASSET:HORIZON on its own, lower CRPS first', () => {
    const ranks = rankBreakdowns({ standings, windowNames: WINDOWS, rules, leftIds: new Set() });
    expect(ranks.get('a')!.ranks_by_param).toEqual({
      'BTC:3600': { rank: 1, score: { recent: 1, anchor: 1 } },
      'ETH:3600': { rank: 2, score: { recent: 4, anchor: 4 } },
      'BTC:86400': { rank: 1, score: { recent: 9, anchor: 9 } },
    });
    expect(ranks.get('b')!.ranks_by_param).toEqual({ 'BTC:3600': { rank: 2, score: { recent: 2, anchor: 2 } }, 'ETH:3600': { rank: 1, score: { recent: 2, anchor: 2 } } });
  });

  it('scores a horizon with the asset-weighted mean of its parameter sets, as the overall score', () => {
    // a: (1*1 + 0.5*4) / 1.5 = 2; b: (1*2 + 0.5*2) / 1.5 = 2 -> tie on anchor and recent, model id decides.
    const weighted = rankBreakdowns({ standings, windowNames: WINDOWS, rules, leftIds: new Set(), assetWeights: { BTC: 1, ETH: 0.5 } });
    expect(weighted.get('a')!.ranks_by_horizon['3600']).toEqual({ rank: 1, score: { recent: 2, anchor: 2 } });
    expect(weighted.get('b')!.ranks_by_horizon['3600']).toEqual({ rank: 2, score: { recent: 2, anchor: 2 } });
    // unweighted: a = 2.5, b = 2 -> b first.
    const plain = rankBreakdowns({ standings, windowNames: WINDOWS, rules, leftIds: new Set() });
    expect(plain.get('b')!.ranks_by_horizon['3600'].rank).toBe(1);
    expect(plain.get('a')!.ranks_by_horizon).toEqual({ '3600': { rank: 2, score: { recent: 2.5, anchor: 2.5 } }, '86400': { rank: 1, score: { recent: 9, anchor: 9 } } });
    expect(plain.get('b')!.ranks_by_horizon['86400']).toBeUndefined(); // never predicted that horizon
  });

  it('averages the step lists of one ASSET:HORIZON, and leaves a model that left or has too few scores unranked', () => {
    const ranks = rankBreakdowns({
      standings: [standing('a', [param('BTC', 300, 1, 30), param('BTC', 300, 3, 60)]), standing('gone', [param('BTC', 300, 0)]), standing('thin', [param('BTC', 300, 0, 60, 0)])],
      windowNames: WINDOWS,
      rules: { ...rules, minScoredPredictions: 2 },
      leftIds: new Set(['gone']),
    });
    expect(ranks.get('a')!.ranks_by_param['BTC:300']).toEqual({ rank: 1, score: { recent: 2, anchor: 2 } });
    expect(ranks.get('gone')!.ranks_by_param['BTC:300'].rank).toBeNull();
    expect(ranks.get('thin')!.ranks_by_param['BTC:300'].rank).toBeNull();
  });

  it('leaves out a key where the model has nothing scored in any window', () => {
    const ranks = rankBreakdowns({ standings: [standing('a', [param('BTC', 300, 1), param('ETH', 300, null)])], windowNames: WINDOWS, rules, leftIds: new Set() });
    expect(Object.keys(ranks.get('a')!.ranks_by_param)).toEqual(['BTC:300']);
  });

  it('is stored with each leaderboard entry and read back unchanged; a malformed stored rank is dropped', () => {
    const entries = buildLeaderboardEntries({
      standings,
      models: [],
      windowNames: WINDOWS,
      rules: { rankBy: 'anchor', direction: 'auto', tiebreakers: ['recent'], minScoredPredictions: 1, lowPerformance: null },
      scorerDirection: 'lower',
      previousRanks: new Map(),
      lastStatuses: new Map(),
      assetWeights: { BTC: 1, ETH: 0.5 },
    });
    const read = readLeaderboardEntries(JSON.parse(JSON.stringify(entries)));
    expect(read.find((e) => e.model_id === 'a')!.ranks_by_param).toEqual(entries.find((e) => e.model_id === 'a')!.ranks_by_param);
    expect(read.find((e) => e.model_id === 'a')!.ranks_by_horizon!['3600']).toEqual({ rank: 1, score: { recent: 2, anchor: 2 } });
    const [bad] = readLeaderboardEntries([{ rank: 1, model_id: 'x', ranks_by_param: { 'BTC:3600': { rank: 0, score: {} }, 'ETH:3600': { rank: null, score: { anchor: 'x' } } } }]);
    expect(bad.ranks_by_param).toEqual({ 'ETH:3600': { rank: null, score: { anchor: null } } });
    expect(readLeaderboardEntries([{ rank: 1, model_id: 'old' }])[0].ranks_by_horizon).toBeUndefined();
  });
});
