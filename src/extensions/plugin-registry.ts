import type { DiscoveryService } from '@nestjs/core';

/** What a plug-in kind supplies to its registry: how to recognise one and the errors to raise. */
export interface PluginKind<T extends { name: string }> {
  /** The decorator's name, for messages (`@CompetitionScorer`). */
  decorator: string;
  /** The metadata key the decorator writes the plug-in's name under. */
  metadataKey: string | symbol;
  /** What one is called in messages ("scorer", "function"). */
  noun: string;
  /** Checks the interface; `shape` names what is missing in messages (`name, direction, score`). */
  is(value: unknown): value is T;
  shape: string;
  registrationError(name: string, problem: string): Error;
  unknownError(name: string, known: readonly string[]): Error;
}

/**
 * Plug-ins of one kind by name: the built-ins, then every provider the application declares
 * with the kind's decorator (found through Nest's DiscoveryService). The scorer and reward
 * function registries keep theirs in one of these.
 *
 * @example
 *   const scorers = new PluginRegistry(SCORER_KIND, createBuiltinScorers());
 *   scorers.discover(discovery, (s) => logger.log(`registered scorer "${s.name}"`));
 *   scorers.get('crps');
 */
export class PluginRegistry<T extends { name: string }> {
  private readonly plugins = new Map<string, T>();

  constructor(
    private readonly kind: PluginKind<T>,
    builtins: readonly T[] = [],
  ) {
    for (const plugin of builtins) this.register(plugin);
  }

  /** Registers every decorated singleton provider; `onRegistered` is told of each new one. */
  discover(discovery: DiscoveryService, onRegistered: (plugin: T) => void = () => undefined): void {
    const { kind } = this;
    for (const wrapper of discovery.getProviders()) {
      const metatype: unknown = wrapper.metatype;
      if (typeof metatype !== 'function') continue;
      const name: unknown = Reflect.getMetadata(kind.metadataKey, metatype);
      if (name === undefined) continue;
      if (typeof name !== 'string' || name.length === 0) throw kind.registrationError(String(name), `${kind.decorator} needs a non-empty name`);
      if (!wrapper.isDependencyTreeStatic()) throw kind.registrationError(name, 'the provider must be a singleton (no request or transient scope)');
      const instance: unknown = wrapper.instance;
      if (this.plugins.get(name) === instance) continue; // the same provider imported by several modules
      if (!kind.is(instance)) throw kind.registrationError(name, `provider does not implement ${kind.shape}`);
      if (instance.name !== name) throw kind.registrationError(name, `${kind.decorator} name differs from the ${kind.noun}'s name "${instance.name}"`);
      this.register(instance);
      onRegistered(instance);
    }
  }

  /** Adds a plug-in; a name can be registered once. */
  register(plugin: T): void {
    if (!this.kind.is(plugin)) throw this.kind.registrationError(String((plugin as { name?: unknown })?.name), `not a ${this.kind.shape}`);
    if (this.plugins.has(plugin.name)) throw this.kind.registrationError(plugin.name, `a ${this.kind.noun} with this name is already registered`);
    this.plugins.set(plugin.name, plugin);
  }

  has(name: string): boolean {
    return this.plugins.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.plugins.keys()].sort();
  }

  /** The plug-in registered under `name`; throws the kind's unknown-name error listing the known names. */
  get(name: string): T {
    const plugin = this.plugins.get(name);
    if (plugin === undefined) throw this.kind.unknownError(name, this.names());
    return plugin;
  }
}
