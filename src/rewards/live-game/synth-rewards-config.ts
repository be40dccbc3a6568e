import { LiveGameFormatError } from './live-game-format.error';

/** The live game's reward config (`config.json` of a checkpoint), key for key. */
export interface SynthRewardsConfig {
  benchmark_player_name: string;
  benchmark_model_name: string;
  col_score: string;
  /** Only names the rank column of the published output; not needed to compute. */
  col_rank: string;
  alpha: number;
  apply_top_k_participants: boolean;
  top_k_participants: number;
  use_benchmark_cutoff: boolean;
  week_reward_pool: number;
}

/** What a reward computation needs from a live config: the pool and the function's options. */
export interface RewardSettings {
  pool: number;
  options: Record<string, unknown>;
}

const KEYS: Record<keyof SynthRewardsConfig, 'string' | 'number' | 'boolean'> = {
  benchmark_player_name: 'string',
  benchmark_model_name: 'string',
  col_score: 'string',
  col_rank: 'string',
  alpha: 'number',
  apply_top_k_participants: 'boolean',
  top_k_participants: 'number',
  use_benchmark_cutoff: 'boolean',
  week_reward_pool: 'number',
};

/** Every key is required (the live game always writes all of them); unknown keys are refused. */
export function parseSynthRewardsConfig(raw: unknown): SynthRewardsConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LiveGameFormatError('config', '(root)', 'must be an object');
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(key in KEYS)) throw new LiveGameFormatError('config', key.slice(0, 40), `is not a key of the live game's reward config (known: ${Object.keys(KEYS).join(', ')})`);
  }
  for (const [key, type] of Object.entries(KEYS)) {
    const value = record[key];
    if (value === undefined) throw new LiveGameFormatError('config', key, 'is missing (the live reward config has every key)');
    const ok = type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === type && (type !== 'string' || (value as string).length > 0);
    if (!ok) throw new LiveGameFormatError('config', key, `must be ${type === 'number' ? 'a finite number' : type === 'string' ? 'a non-empty string' : 'true or false'}`);
  }
  const config = record as unknown as SynthRewardsConfig;
  if (config.week_reward_pool < 0) throw new LiveGameFormatError('config', 'week_reward_pool', 'must be >= 0');
  if (!Number.isInteger(config.top_k_participants) || config.top_k_participants < 1) throw new LiveGameFormatError('config', 'top_k_participants', 'must be an integer >= 1');
  return config;
}

/**
 * Maps a live config onto our options (camelCase, one name per rule). The eligibility keys go
 * to any function; `alpha` and the top-K keys only to `exponential-top-k`, whose defaults they are.
 *
 * @example
 *   synthRewardSettings(config, 'exponential-top-k')
 *   // { pool: 392.78, options: { scoreColumn: 'anchor', benchmarkPlayerName: 'synth', ..., alpha: 1, topK: 4 } }
 */
export function synthRewardSettings(config: SynthRewardsConfig, rewardFunction: string): RewardSettings {
  const options: Record<string, unknown> = {
    scoreColumn: config.col_score,
    benchmarkPlayerName: config.benchmark_player_name,
    benchmarkModelName: config.benchmark_model_name,
    useBenchmarkCutoff: config.use_benchmark_cutoff,
  };
  if (rewardFunction === 'exponential-top-k') {
    options.alpha = config.alpha;
    options.topK = config.apply_top_k_participants ? config.top_k_participants : null;
  }
  return { pool: config.week_reward_pool, options };
}
