import type { Type } from '@nestjs/common';
import { AppConfig, loadAppConfig } from '../config/app-config';
import { ConfigError } from '../config/config-error';
import { Env, readOptionalString } from '../config/env';
import { loadCompetitionFile } from '../config/competition/competition.loader';
import { CompetitionDefinition } from '../config/competition/competition.types';
import { loadExtensionModules } from '../extensions/extension-modules';
import { localOrchestratorOptionsFromEnv } from '../local-orchestrator/local-orchestrator-options';
import { modelRunnerOptionsFromEnv } from '../model-runner/model-runner.options';
import type { ModelOrchestrationPlan } from '../model-orchestration/model-orchestration.module';

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
  fleet: ModelOrchestrationPlan;
  extensions: Type[];
}

/**
 * The composition root: everything the process needs before Nest starts, validated: the
 * environment, then the competition file, then environment overrides of the competition
 * (FEED_ADAPTER, FEED_OPTIONS), then where the models are, then the extension modules. No I/O
 * beyond reading the competition file and requiring the extension modules, and only light modules
 * loaded (main checks the plug-in names next, with `checkPluginNames`). Throws ConfigError naming
 * the variable or key.
 */
export function bootstrapConfiguration(env: Env): Bootstrap {
  const config = loadAppConfig(env);
  const competition = loadCompetitionFile(config.competitionFile);
  if (config.feedAdapter && config.feedAdapter !== competition.feed.adapter) {
    competition.feed = { ...competition.feed, adapter: config.feedAdapter, options: {} };
    const valueField = VALUE_FIELD_OF_ADAPTER[config.feedAdapter];
    if (valueField) competition.tick = { ...competition.tick, valueField };
  }
  const valueField = readOptionalString(env, 'FEED_VALUE_FIELD');
  if (valueField) competition.tick = { ...competition.tick, valueField };
  const feedOptions = readOptionalString(env, 'FEED_OPTIONS');
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
  const fleet = orchestrationPlan(env, competition);
  const extensions = loadExtensionModules(readOptionalString(env, 'EXTENSION_MODULES'));
  return { config, competition, fleet, extensions };
}

/**
 * ORCHESTRATOR_HOST set: connect to that orchestrator. Unset: host the models of
 * LOCAL_ORCHESTRATOR_MODELS_CONFIG (default: the competition file's `models`, else deployment/models.yaml) in-process (on a free port unless LOCAL_ORCHESTRATOR_PORT is set).
 */
function orchestrationPlan(env: Env, competition: CompetitionDefinition): ModelOrchestrationPlan {
  const fromCompetition = {
    crunchId: competition.id,
    baseClassName: competition.model.baseClass,
    callTimeoutMs: competition.model.callTimeoutMs,
  };
  const runner = modelRunnerOptionsFromEnv(env, fromCompetition);
  if (readOptionalString(env, 'ORCHESTRATOR_HOST')) return { kind: 'external', runner };
  const orchestrator = localOrchestratorOptionsFromEnv(
    {
      ...env,
      LOCAL_ORCHESTRATOR_PORT: readOptionalString(env, 'LOCAL_ORCHESTRATOR_PORT') ?? '0',
      // The competition may name its own models (e.g. the Synth demo's trackers); the variable still wins.
      LOCAL_ORCHESTRATOR_MODELS_CONFIG: readOptionalString(env, 'LOCAL_ORCHESTRATOR_MODELS_CONFIG') ?? competition.models,
    },
    { crunchId: competition.id, baseClassName: competition.model.baseClass },
  );
  return { kind: 'local', runner, orchestrator };
}
