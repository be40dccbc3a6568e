import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseCompetitionDefinition } from '../../src/config/competition/competition.loader';
import { ConfigError } from '../../src/config/config-error';
import { VirtualClock } from '../../src/clock/clock';
import type { DataSource } from 'typeorm';
import { competitionFixture } from '../score/support/competition-fixture';
import { startCheckpoints } from './checkpoint-app';

const ROOT = path.resolve(__dirname, '../..');
const withRewards = (rewards: unknown) => ({ ...parse(fs.readFileSync(path.join(ROOT, 'competitions/condorgame.yaml'), 'utf8')), rewards });

function errorOf(rewards: unknown): ConfigError {
  try {
    parseCompetitionDefinition(withRewards(rewards));
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected the rewards section to be rejected');
}

describe('the rewards section of a competition file', () => {
  it('is optional: without it the competition has no checkpoints', () => {
    expect(parseCompetitionDefinition(withRewards(undefined)).rewards).toBeUndefined();
  });

  it('reads every, delay, pool, function, options and decimals, with defaults', () => {
    expect(parseCompetitionDefinition(withRewards({ every: 604800, delay: 86400, pool: 392.78, options: { topK: 10 } })).rewards).toEqual({
      every: 604800,
      delay: 86400,
      pool: 392.78,
      function: 'exponential-top-k',
      options: { topK: 10 },
      decimals: 6,
    });
    expect(parseCompetitionDefinition(withRewards({ every: 86400, function: 'tiers', decimals: 18 })).rewards).toMatchObject({ delay: 0, pool: null, function: 'tiers', decimals: 18 });
  });

  it.each([
    [{ delay: 5 }, 'rewards.every', 'is required'],
    [{ every: 59 }, 'rewards.every', '>= 60'],
    [{ every: 3600.5 }, 'rewards.every', 'integer'],
    [{ every: 3600, delay: 3600 }, 'rewards.delay', '<= 3599'],
    [{ every: 3600, pool: -1 }, 'rewards.pool', '>= 0'],
    [{ every: 3600, pool: '100' }, 'rewards.pool', 'finite number'],
    [{ every: 3600, function: 'Not A Name' }, 'rewards.function', 'not valid'],
    [{ every: 3600, options: [1] }, 'rewards.options', 'mapping'],
    [{ every: 3600, decimals: 31 }, 'rewards.decimals', '<= 30'],
    [{ every: 3600, evry: 1 }, 'rewards.evry', 'unknown key'],
  ])('refuses %j naming %s', (rewards, key, detail) => {
    const error = errorOf(rewards);
    expect(error.key).toBe(key);
    expect(error.message).toContain(detail);
  });
});

describe('the checkpoint service at startup', () => {
  const noTruth = { groundTruth: async () => ({ ok: false as const, reason: 'unused', retryable: true }) };
  const boot = (rewards: unknown) =>
    startCheckpoints({} as DataSource, { ...competitionFixture(), rewards } as never, new VirtualClock(0), noTruth);

  it('refuses an unknown option of the configured reward function, naming it', async () => {
    await expect(boot({ every: 86400, delay: 0, pool: 1, function: 'tiers', options: { bogus: 1 }, decimals: 6 })).rejects.toThrow(
      'reward function "tiers": option "bogus" is not an option of this reward function',
    );
  });

  it('refuses a reward function nobody registered, listing the known ones', async () => {
    await expect(boot({ every: 86400, delay: 0, pool: 1, function: 'lottery', options: {}, decimals: 6 })).rejects.toThrow(
      'unknown reward function "lottery"; known reward functions: exponential-top-k, tiers',
    );
  });
});
