import { AppConfig, loadAppConfig } from './app-config';
import { ConfigError } from './config-error';
import { Env } from './env';
import { loadCompetitionFile } from './competition/competition.loader';
import { CompetitionDefinition } from './competition/competition.types';

/**
 * Everything the process needs before Nest starts, validated: the environment, then the
 * competition file, then environment overrides of the competition (FEED_ADAPTER, FEED_OPTIONS).
 * Throws ConfigError naming the variable or key.
 */
export function bootstrapConfiguration(env: Env): { config: AppConfig; competition: CompetitionDefinition } {
  const config = loadAppConfig(env);
  const competition = loadCompetitionFile(config.competitionFile);
  if (config.feedAdapter && config.feedAdapter !== competition.feed.adapter) {
    competition.feed = { ...competition.feed, adapter: config.feedAdapter, options: {} };
  }
  const feedOptions = env.FEED_OPTIONS?.trim();
  if (feedOptions) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(feedOptions);
    } catch {
      throw new ConfigError('FEED_OPTIONS', 'must be a JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError('FEED_OPTIONS', 'must be a JSON object');
    competition.feed = { ...competition.feed, options: { ...competition.feed.options, ...(parsed as Record<string, unknown>) } };
  }
  return { config, competition };
}
