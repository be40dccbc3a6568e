import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { ConfigError } from '../config/config-error';
import { CompetitionDefinition } from '../config/competition/competition.types';
import { Env, readOptionalString } from '../config/env';
import { BUILT_IN_FEED_ADAPTERS } from '../data-source/adapters';
import { FeedAdapterMarker } from '../data-source/feed-adapter.decorator';
import { FeedOptionError } from '../data-source/feed.errors';
import { createBuiltinScorers } from '../score/scorers/builtin';
import { COMPETITION_SCORER } from '../score/scorers/competition-scorer.decorator';
import { ScorerOptionsError, ScorerPayloadError } from '../score/scorers/scorer.errors';
import { ScorerRegistry } from '../score/scorers/scorer.registry';
import type { Bootstrap } from './bootstrap-configuration';

/**
 * The scorer and feed adapter names a competition may use, known before Nest starts: the
 * built-ins plus the `@CompetitionScorer` / `@FeedAdapter` classes the extension modules declare
 * (read from their module metadata; nothing is instantiated). So an unknown name fails in
 * milliseconds, before the database is opened, instead of after migrations.
 *
 * @example
 *   const names = pluginNames(loadExtensionModules('dist/hit-rate.module.js'));
 *   names.scorers.has('hit-rate'); // true
 */
export function pluginNames(extensions: readonly Type[]): { scorers: Set<string>; feedAdapters: Set<string> } {
  const scorers = new Set(createBuiltinScorers().map((s) => s.name));
  const feedAdapters = new Set(BUILT_IN_FEED_ADAPTERS.map((adapter) => feedAdapterName(adapter)).filter((n): n is string => n !== undefined));
  for (const cls of declaredProviderClasses(extensions)) {
    const scorer: unknown = Reflect.getMetadata(COMPETITION_SCORER, cls);
    if (typeof scorer === 'string') scorers.add(scorer);
    const adapter = feedAdapterName(cls);
    if (adapter !== undefined) feedAdapters.add(adapter);
  }
  return { scorers, feedAdapters };
}

/**
 * Checks the competition's scorer (name; options and payload kind for a built-in) and feed
 * adapter (name; options for a built-in) with what the registries will know; throws ConfigError
 * naming the key (`FEED_ADAPTER` / `FEED_OPTIONS` when the environment chose them). Only the
 * stages that run them are checked: a report-only instance uses neither.
 */
export function checkPluginNames({ config, competition, extensions }: Pick<Bootstrap, 'config' | 'competition' | 'extensions'>, env: Env = {}): void {
  if (!config.roles.includes('predict') && !config.roles.includes('score')) return;
  const opts = { competitionFile: config.competitionFile, feedAdapterFromEnv: config.feedAdapter !== undefined };
  const known = pluginNames(extensions);
  const { scorer, options } = competition.scoring;
  if (!known.scorers.has(scorer)) {
    throw new ConfigError('scoring.scorer', `unknown scorer "${scorer}"; known scorers: ${[...known.scorers].sort().join(', ')}`, opts.competitionFile);
  }
  // The same checks ScoreCycleService runs at module init, here for the built-ins before any I/O.
  const builtIns = new ScorerRegistry();
  if (builtIns.has(scorer)) {
    try {
      builtIns.validateOptions(scorer, options);
      builtIns.validatePayloads(scorer, competition.predictions.some((p) => p.steps !== undefined));
    } catch (err) {
      if (err instanceof ScorerOptionsError) throw new ConfigError(`scoring.options.${err.optionKey}`, err.message, opts.competitionFile);
      if (err instanceof ScorerPayloadError) throw new ConfigError('scoring.scorer', err.message, opts.competitionFile);
      throw err;
    }
  }
  const adapter = competition.feed.adapter;
  if (!known.feedAdapters.has(adapter)) {
    const message = `unknown feed adapter "${adapter}"; known adapters: ${[...known.feedAdapters].sort().join(', ')}`;
    throw opts.feedAdapterFromEnv ? new ConfigError('FEED_ADAPTER', message) : new ConfigError('feed.adapter', message, opts.competitionFile);
  }
  checkBuiltInFeedOptions(competition, readOptionalString(env, 'FEED_OPTIONS') !== undefined, opts.competitionFile);
}

/**
 * A built-in adapter reads its options when it builds the feed, without I/O (connections and
 * files are opened on the first fetch), so a wrong option fails here rather than after the
 * database opened. Extension adapters may need injected services: they are checked at start.
 */
function checkBuiltInFeedOptions(competition: CompetitionDefinition, optionsFromEnv: boolean, competitionFile: string): void {
  const { adapter, options, subjects, granularity } = competition.feed;
  const builtIn = BUILT_IN_FEED_ADAPTERS.find((cls) => feedAdapterName(cls) === adapter);
  if (builtIn === undefined) return;
  try {
    const feed = new builtIn().create(options, { source: adapter, subjects, granularitySeconds: granularity, nowMs: () => Date.now() });
    void feed.close?.().catch(() => undefined);
  } catch (err) {
    if (!(err instanceof FeedOptionError)) throw err;
    const key = `feed.options.${err.key}`;
    throw optionsFromEnv ? new ConfigError('FEED_OPTIONS', `${key}: ${err.problem}`) : new ConfigError(key, err.problem, competitionFile);
  }
}

function feedAdapterName(cls: unknown): string | undefined {
  if (typeof cls !== 'function') return undefined;
  const name: unknown = Reflect.getMetadata(FeedAdapterMarker.KEY, cls);
  return typeof name === 'string' ? name : undefined;
}

/** Every provider class declared by the modules and the modules they import, each module visited once. */
function declaredProviderClasses(modules: readonly unknown[]): Function[] {
  const classes: Function[] = [];
  const seen = new Set<unknown>();
  const visit = (entry: unknown): void => {
    if (entry === undefined || entry === null || seen.has(entry)) return;
    seen.add(entry);
    if (typeof entry === 'function') {
      providersOf(Reflect.getMetadata(MODULE_METADATA.PROVIDERS, entry), classes);
      for (const imported of (Reflect.getMetadata(MODULE_METADATA.IMPORTS, entry) ?? []) as unknown[]) visit(imported);
    } else if (typeof entry === 'object' && 'module' in entry) {
      const dynamic = entry as DynamicModule;
      visit(dynamic.module);
      providersOf(dynamic.providers, classes);
      for (const imported of dynamic.imports ?? []) visit(imported);
    }
  };
  modules.forEach(visit);
  return classes;
}

function providersOf(providers: Provider[] | undefined, into: Function[]): void {
  for (const provider of providers ?? []) {
    if (typeof provider === 'function') into.push(provider);
    else if (typeof provider === 'object' && provider !== null && 'useClass' in provider) into.push(provider.useClass);
  }
}
