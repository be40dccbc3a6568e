import { parseSynthRewardsConfig, RewardSettings, synthRewardSettings } from '../live-game/synth-rewards-config';
import { CommandUsageError } from '../../cli/command-io';

export const DEFAULT_REWARD_FUNCTION = 'exponential-top-k';

export interface RewardsPreviewConfig extends RewardSettings {
  rewardFunction: string;
}

/**
 * The `--config` file of `coordinator-node rewards`: either the live game's reward config
 * (recognised by `week_reward_pool`; it implies exponential-top-k) or our own
 * `{ "pool": 100, "function": "tiers", "options": { ... } }` (function and options optional).
 * `--function` overrides the file's function.
 */
export function readRewardsPreviewConfig(raw: unknown, functionFlag: string | undefined): RewardsPreviewConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CommandUsageError('--config: must be a JSON object');
  const record = raw as Record<string, unknown>;
  if ('week_reward_pool' in record) {
    const rewardFunction = functionFlag ?? DEFAULT_REWARD_FUNCTION;
    return { rewardFunction, ...synthRewardSettings(parseSynthRewardsConfig(record), rewardFunction) };
  }
  for (const key of Object.keys(record)) {
    if (!['pool', 'function', 'options'].includes(key)) {
      throw new CommandUsageError(`--config: unknown key "${key.slice(0, 40)}" (expected pool, function, options, or the live game's reward config)`);
    }
  }
  const { pool, function: named, options = {} } = record;
  if (typeof pool !== 'number' || !Number.isFinite(pool) || pool < 0) throw new CommandUsageError('--config: pool must be a finite number >= 0');
  if (named !== undefined && (typeof named !== 'string' || named.length === 0)) throw new CommandUsageError('--config: function must be a non-empty string');
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new CommandUsageError('--config: options must be an object');
  return { rewardFunction: functionFlag ?? (named as string | undefined) ?? DEFAULT_REWARD_FUNCTION, pool, options: options as Record<string, unknown> };
}
