import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { ConfigError } from '../../config/config-error';
import { loadExtensionModules } from '../../extensions/extension-modules';
import { MAX_DECIMALS } from '../base-units';
import { LiveGameFormatError } from '../live-game/live-game-format.error';
import { parseSynthLeaderboard } from '../live-game/synth-leaderboard';
import { RewardFunctionRegistry } from '../reward-function.registry';
import { RewardComputationError, RewardOptionsError, UnknownRewardFunctionError } from '../reward.errors';
import { RewardsModule } from '../rewards.module';
import { CommandIo, CommandUsageError, readCommandFlags } from '../../cli/command-io';
import { buildPayoutPreview, formatPayoutTable } from './payout-preview';
import { readRewardsPreviewConfig } from './rewards-preview-config';

/** Input files larger than this are refused (the live game's leaderboard is under 1 MB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export const USAGE = `usage: coordinator-node rewards --leaderboard FILE --config FILE [--function NAME] [--direction higher|lower] [--decimals N] [--json]
  Previews the payouts of a leaderboard in the live game's JSON shape.
  --leaderboard FILE   leaderboard entries (model_id, model_name, player_id, player_name, ranks_by_horizon)
  --config FILE        the live game's reward config (config.json), or { "pool", "function", "options" }
  --function NAME      reward function (default: the config's, else exponential-top-k): exponential-top-k, tiers
  --direction          which way the score is better (default higher, as in the live game; CRPS: lower)
  --decimals N         base-unit decimals for the integer amounts (default 6)
  --json               print JSON instead of a table
  EXTENSION_MODULES (environment) loads a team's modules, so their @RewardFunction providers can be named too.`;

/**
 * `coordinator-node rewards`: reads the two files, runs the reward function, prints a table or JSON.
 * Exit codes: 0 printed, 1 the function refused the leaderboard (e.g. benchmark required but
 * missing), 2 bad arguments or input files. Never prints a stack.
 */
export async function run(args: string[], io: CommandIo): Promise<number> {
  try {
    const flags = readFlags(args);
    if (flags === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const standings = parseSynthLeaderboard(readJson(io.cwd, '--leaderboard', flags.leaderboard));
    const config = readRewardsPreviewConfig(readJson(io.cwd, '--config', flags.config), flags.rewardFunction);
    const { registry, close } = await openRegistry(io);
    let result;
    try {
      result = registry.compute(config.rewardFunction, { standings, pool: config.pool, direction: flags.direction, options: config.options });
    } finally {
      await close();
    }
    const preview = buildPayoutPreview(config.rewardFunction, flags.direction, config.pool, flags.decimals, result);
    io.stdout(flags.json ? `${JSON.stringify(preview, null, 2)}\n` : formatPayoutTable(preview));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CommandUsageError || error instanceof LiveGameFormatError || error instanceof RewardOptionsError || error instanceof UnknownRewardFunctionError) {
      io.stderr(`coordinator-node rewards: ${error.message}\n`);
      return 2;
    }
    if (error instanceof RewardComputationError) {
      io.stderr(`coordinator-node rewards: ${error.message}\n`);
      return 1;
    }
    io.stderr(`coordinator-node rewards: unexpected error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`);
    return 1;
  }
}

/**
 * The built-ins alone, or, with EXTENSION_MODULES set, a Nest context of RewardsModule and the
 * team's modules, so their `@RewardFunction` providers are discovered as in the running node.
 */
async function openRegistry(io: CommandIo): Promise<{ registry: RewardFunctionRegistry; close: () => Promise<void> }> {
  const extensions = loadExtensionModules(io.env.EXTENSION_MODULES, io.cwd);
  if (extensions.length === 0) return { registry: new RewardFunctionRegistry(), close: async () => undefined };
  const { NestFactory } = await import('@nestjs/core');
  @Module({ imports: [RewardsModule, ...extensions] })
  class RewardsPreviewModule {}
  const app = await NestFactory.createApplicationContext(RewardsPreviewModule, { logger: false });
  return { registry: app.get(RewardFunctionRegistry), close: () => app.close() };
}

interface RewardsFlags {
  leaderboard: string;
  config: string;
  rewardFunction: string | undefined;
  direction: 'higher' | 'lower';
  decimals: number;
  json: boolean;
}

function readFlags(args: string[]): RewardsFlags | 'help' {
  const { values } = readCommandFlags(args, {
    leaderboard: { type: 'string' },
    config: { type: 'string' },
    function: { type: 'string' },
    direction: { type: 'string' },
    decimals: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';
  const required = (name: 'leaderboard' | 'config'): string => {
    const value = values[name];
    if (typeof value !== 'string' || value.length === 0) throw new CommandUsageError(`--${name} FILE is required (see --help)`);
    return value;
  };
  const direction = values.direction ?? 'higher';
  if (direction !== 'higher' && direction !== 'lower') throw new CommandUsageError(`--direction must be higher or lower, got "${String(direction).slice(0, 20)}"`);
  const decimalsText = (values.decimals as string | undefined) ?? '6';
  if (!/^[0-9]{1,2}$/.test(decimalsText) || Number(decimalsText) > MAX_DECIMALS) {
    throw new CommandUsageError(`--decimals must be an integer in 0..${MAX_DECIMALS}, got "${decimalsText.slice(0, 20)}"`);
  }
  const rewardFunction = values.function as string | undefined;
  if (rewardFunction !== undefined && rewardFunction.length === 0) throw new CommandUsageError('--function needs a name');
  return {
    leaderboard: required('leaderboard'),
    config: required('config'),
    rewardFunction,
    direction,
    decimals: Number(decimalsText),
    json: values.json === true,
  };
}

function readJson(cwd: string, flag: string, file: string): unknown {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    const buffer = readFileSync(full);
    if (buffer.length > MAX_FILE_BYTES) throw new CommandUsageError(`${flag} ${file}: larger than ${MAX_FILE_BYTES} bytes`);
    text = buffer.toString('utf8');
  } catch (error) {
    if (error instanceof CommandUsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new CommandUsageError(`${flag} ${file}: cannot read (${reason})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CommandUsageError(`${flag} ${file}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}
