import type { Type } from '@nestjs/common';
import { AppConfig, loadAppConfig } from './app-config';
import { loadExtensionModules } from '../extensions/extension-modules';
import { InvalidLocalOrchestratorEnvError, localOrchestratorOptionsFromEnv } from '../local-orchestrator/local-orchestrator-options';
import { ModelRunnerConfigError, modelRunnerOptionsFromEnv } from '../model-runner/model-runner.options';
import type { ModelFleetPlan } from '../model-fleet/model-fleet.module';
import { ConfigError } from './config-error';
import { Env } from './env';
import { loadCompetitionFile } from './competition/competition.loader';
import { CompetitionDefinition } from './competition/competition.types';

/**
 * Everything the process needs before Nest starts, validated: the environment, then the
 * competition file, then environment overrides of the competition (FEED_ADAPTER, FEED_OPTIONS).
 * Throws ConfigError naming the variable or key.
 */
/** The price field each built-in adapter's records carry, used when FEED_ADAPTER switches feeds. */
const VALUE_FIELD_OF_ADAPTER: Record<string, string> = {
  synthetic: 'price',
  'pyth-hermes': 'price',
  pyth: 'close',
  binance: 'close',
  crunchdao: 'close',
};

export interface Bootstrap {
  config: AppConfig;
  competition: CompetitionDefinition;
  fleet: ModelFleetPlan;
  extensions: Type[];
}

export function bootstrapConfiguration(env: Env): Bootstrap {
  const config = loadAppConfig(env);
  const competition = loadCompetitionFile(config.competitionFile);
  if (config.feedAdapter && config.feedAdapter !== competition.feed.adapter) {
    competition.feed = { ...competition.feed, adapter: config.feedAdapter, options: {} };
    const valueField = VALUE_FIELD_OF_ADAPTER[config.feedAdapter];
    if (valueField) competition.tick = { ...competition.tick, valueField };
  }
  const valueField = env.FEED_VALUE_FIELD?.trim();
  if (valueField) competition.tick = { ...competition.tick, valueField };
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
  return { config, competition, fleet: fleetPlan(env, competition), extensions: loadExtensionModules(env.EXTENSION_MODULES) };
}

/**
 * ORCHESTRATOR_HOST set: connect to that orchestrator. Unset: host the models of
 * LOCAL_ORCHESTRATOR_MODELS_CONFIG in-process (on a free port unless LOCAL_ORCHESTRATOR_PORT is set).
 */
function fleetPlan(env: Env, competition: CompetitionDefinition): ModelFleetPlan {
  const fromCompetition = {
    crunchId: competition.id,
    baseClassName: competition.model.baseClass,
    callTimeoutMs: competition.model.callTimeoutMs,
  };
  const runner = asConfigError(() => modelRunnerOptionsFromEnv(env, fromCompetition));
  if (env.ORCHESTRATOR_HOST?.trim()) return { kind: 'external', runner };
  const orchestrator = asConfigError(() =>
    localOrchestratorOptionsFromEnv({ ...env, LOCAL_ORCHESTRATOR_PORT: env.LOCAL_ORCHESTRATOR_PORT?.trim() || '0' }, { crunchId: competition.id, baseClassName: competition.model.baseClass }),
  );
  return { kind: 'local', runner, orchestrator };
}

/** The model-runner and local-orchestrator readers' errors name their variable; report them like ours. */
function asConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ModelRunnerConfigError) throw new ConfigError(err.variable, err.reason);
    if (err instanceof InvalidLocalOrchestratorEnvError) throw new ConfigError(err.variable, err.problem);
    throw err;
  }
}
