import { rankModels, RankCandidate, RankingRules } from '../../src/leaderboard/leaderboard-ranking';

const rules: RankingRules = { rankBy: 'anchor', tiebreakers: ['steady', 'recent'], direction: 'higher', minScoredPredictions: 1 };
const model = (modelId: string, anchor: number | null, steady: number | null = null, recent: number | null = null, extra: Partial<RankCandidate> = {}): RankCandidate => ({
  modelId,
  values: { anchor, steady, recent },
  scoredCount: 10,
  left: false,
  ...extra,
});
const order = (ranked: Array<RankCandidate & { rank: number | null }>) => ranked.map((r) => [r.modelId, r.rank]);

describe('rankModels', () => {
  it('ranks a 0.0 score as a value, above a missing one and below a positive one', () => {
    expect(order(rankModels([model('missing', null), model('zero', 0), model('positive', 0.1)], rules))).toEqual([
      ['positive', 1],
      ['zero', 2],
      ['missing', 3],
    ]);
  });

  it('ranks lower-is-better scores ascending, nulls still last', () => {
    expect(order(rankModels([model('a', 2), model('b', null), model('c', 0), model('d', 1)], { ...rules, direction: 'lower' }))).toEqual([
      ['c', 1],
      ['d', 2],
      ['a', 3],
      ['b', 4],
    ]);
  });

  it('breaks ties with the tiebreaker windows in order, then the model id', () => {
    const ranked = rankModels([model('z', 1, 0.5, 0.1), model('y', 1, 0.5, 0.2), model('x', 1, 0.7, 0), model('w', 1, 0.5, 0.2)], rules);
    expect(order(ranked)).toEqual([
      ['x', 1],
      ['w', 2],
      ['y', 3],
      ['z', 4],
    ]);
  });

  it('lists models with too few scored predictions, and models that left, unranked after the ranked ones', () => {
    const ranked = rankModels(
      [model('gone', 9, 9, 9, { left: true }), model('new', 5, null, null, { scoredCount: 2 }), model('ok', 1)],
      { ...rules, minScoredPredictions: 3 },
    );
    expect(order(ranked)).toEqual([
      ['ok', 1],
      ['new', null],
      ['gone', null],
    ]);
  });
});
