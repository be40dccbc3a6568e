import type { CompetitionDefinition, PenaltyPolicy } from '../../../src/config/competition/competition.types';

export interface FixtureParam {
  asset: string;
  horizon: number;
  step: number;
}

/** A competition definition for scoring tests (only the parts scoring and ranking read matter). */
export function competitionFixture(
  overrides: {
    params?: FixtureParam[];
    penalty?: PenaltyPolicy;
    intervalSeconds?: number;
    maxWaitSeconds?: number;
    scorer?: string;
    windows?: Array<{ name: string; seconds: number }>;
    leaderboard?: Partial<CompetitionDefinition['leaderboard']>;
    retention?: Partial<CompetitionDefinition['retention']>;
  } = {},
): CompetitionDefinition {
  const params = overrides.params ?? [{ asset: 'BTC', horizon: 3600, step: 300 }];
  return {
    id: 'scoring-test',
    name: 'scoring test',
    description: '',
    feed: { adapter: 'synthetic', options: {}, subjects: params.map((p) => p.asset), granularity: 60, historySeconds: 3600, stalenessSeconds: 120, pollSeconds: 60 },
    tick: { interval: 60, payload: 'prices', valueField: 'price' },
    model: {
      baseClass: 'condorgame.tracker.TrackerBase',
      tick: { method: 'tick', args: [{ name: 'data', type: 'JSON' }] },
      predict: { method: 'predict', args: [] },
      callTimeoutMs: 1000,
      maxPredictionBytes: 1_000_000,
      output: { kind: 'distributions' },
    },
    predictions: params.map((p, i) => ({ ...p, interval: 3600, active: true, order: i, group: 'hourly' })),
    scoring: {
      scorer: overrides.scorer ?? 'density-pdf',
      options: {},
      target: 'log-return',
      penalty: overrides.penalty ?? { policy: 'batch-min', cap: 0 },
      intervalSeconds: overrides.intervalSeconds ?? 3600,
      maxWaitSeconds: overrides.maxWaitSeconds ?? 3600,
      windows: overrides.windows ?? [
        { name: 'recent', seconds: 86400 },
        { name: 'steady', seconds: 3 * 86400 },
        { name: 'anchor', seconds: 7 * 86400 },
      ],
    },
    leaderboard: { rankBy: 'anchor', direction: 'auto', tiebreakers: ['steady', 'recent'], minScoredPredictions: 1, lowPerformance: null, ...overrides.leaderboard },
    retention: { predictionsDays: 30, snapshotsDays: 10, leaderboardsDays: 10, feedRecordsDays: 30, ...overrides.retention },
  };
}
