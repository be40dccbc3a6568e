import { LiveGameFormatError } from '../../src/rewards/live-game/live-game-format.error';
import { parseSynthLeaderboard } from '../../src/rewards/live-game/synth-leaderboard';
import { parseSynthRewardsConfig, synthRewardSettings } from '../../src/rewards/live-game/synth-rewards-config';

const config = {
  benchmark_player_name: 'synth',
  benchmark_model_name: 'benchmarktracker',
  col_score: 'anchor',
  col_rank: 'rank',
  alpha: 1.0,
  apply_top_k_participants: true,
  top_k_participants: 4,
  use_benchmark_cutoff: false,
  week_reward_pool: 392.7865963902861,
};

describe("the live game's files", () => {
  it('reads leaderboard entries into standings, horizons as numbers, in file order', () => {
    const standings = parseSynthLeaderboard([
      { rank: 1, model_id: '13318', model_name: 'm', player_id: 'P', player_name: 'synth', score: {}, ranks_by_param: {}, ranks_by_horizon: { '3600': { rank: 103, score: { recent: null, anchor: 0.54 } }, '86400': { rank: 1, score: null } } },
      { model_id: 7, model_name: 'n', player_id: 'Q', player_name: 'q' },
    ]);
    expect(standings).toEqual([
      { modelId: '13318', modelName: 'm', playerId: 'P', playerName: 'synth', horizons: [{ horizon: 3600, scores: { recent: null, anchor: 0.54 } }, { horizon: 86400, scores: {} }] },
      { modelId: '7', modelName: 'n', playerId: 'Q', playerName: 'q', horizons: [] },
    ]);
  });

  it.each([
    [{}, '(root): must be an array of leaderboard entries'],
    [[{ model_name: 'm', player_id: 'p', player_name: 'a' }], '[0].model_id: must be a non-empty string'],
    [[{ model_id: '1', model_name: 'm', player_id: 'p', player_name: 'a', ranks_by_horizon: { '1h': { score: {} } } }], '[0].ranks_by_horizon["1h"]: horizon key must be a positive integer (seconds)'],
    [[{ model_id: '1', model_name: 'm', player_id: 'p', player_name: 'a', ranks_by_horizon: { '3600': { score: { anchor: '0.5' } } } }], '[0].ranks_by_horizon["3600"].score.anchor: must be a finite number or null'],
  ])('refuses a malformed leaderboard, naming where (%#)', (raw, message) => {
    expect(() => parseSynthLeaderboard(raw)).toThrow(LiveGameFormatError);
    expect(() => parseSynthLeaderboard(raw)).toThrow(`leaderboard: ${message}`);
  });

  it('maps the reward config onto our options: every key for exponential-top-k, the eligibility keys for others', () => {
    expect(synthRewardSettings(parseSynthRewardsConfig(config), 'exponential-top-k')).toEqual({
      pool: 392.7865963902861,
      options: { scoreColumn: 'anchor', benchmarkPlayerName: 'synth', benchmarkModelName: 'benchmarktracker', useBenchmarkCutoff: false, alpha: 1, topK: 4 },
    });
    expect(synthRewardSettings(parseSynthRewardsConfig({ ...config, apply_top_k_participants: false }), 'exponential-top-k').options.topK).toBeNull();
    expect(synthRewardSettings(parseSynthRewardsConfig(config), 'tiers').options).toEqual({
      scoreColumn: 'anchor',
      benchmarkPlayerName: 'synth',
      benchmarkModelName: 'benchmarktracker',
      useBenchmarkCutoff: false,
    });
  });

  it.each([
    [{ ...config, extra: 1 }, 'config: extra: is not a key'],
    [{ ...config, alpha: 'one' }, 'config: alpha: must be a finite number'],
    [{ ...config, use_benchmark_cutoff: 'yes' }, 'config: use_benchmark_cutoff: must be true or false'],
    [{ ...config, top_k_participants: 0 }, 'config: top_k_participants: must be an integer >= 1'],
    [{ ...config, week_reward_pool: -1 }, 'config: week_reward_pool: must be >= 0'],
  ])('refuses a malformed reward config, naming the key (%#)', (raw, message) => {
    expect(() => parseSynthRewardsConfig(raw)).toThrow(message);
  });
});
