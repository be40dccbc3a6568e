import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { FeedAdapterMarker } from './feed-adapter.decorator';
import { UnknownFeedAdapterError } from './feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedFactory } from './feed';

/**
 * Feed adapters by name: the `@FeedAdapter('name')` providers found in the app, plus factories
 * registered in code.
 *
 * @example
 *   registry.register('my-api', (options, ctx) => new MyApiFeed(options));
 *   const feed = registry.create('my-api', { baseUrl: 'http://127.0.0.1:8080' }, context);
 */
@Injectable()
export class FeedRegistry implements OnModuleInit {
  private readonly logger = new Logger(FeedRegistry.name);
  private readonly factories = new Map<string, FeedFactory>();
  private discovered = false;

  constructor(@Optional() private readonly discovery?: DiscoveryService) {}

  onModuleInit(): void {
    this.discover();
  }

  /** Adds (or replaces) the factory for `name`. */
  register(name: string, factory: FeedFactory): void {
    if (this.factories.has(name)) this.logger.warn(`feed adapter "${name}" registered again; the last one wins`);
    this.factories.set(name, factory);
  }

  has(name: string): boolean {
    this.discover();
    return this.factories.has(name);
  }

  names(): string[] {
    this.discover();
    return [...this.factories.keys()].sort();
  }

  /** Builds the feed `name` from its options; throws the adapter's option errors unchanged. */
  create(name: string, options: Record<string, unknown>, context: FeedContext): Feed {
    this.discover();
    const factory = this.factories.get(name);
    if (!factory) throw new UnknownFeedAdapterError(name, [...this.factories.keys()]);
    return factory(options ?? {}, context);
  }

  private discover(): void {
    if (this.discovered || !this.discovery) return;
    this.discovered = true;
    for (const wrapper of this.discovery.getProviders({ metadataKey: FeedAdapterMarker.KEY })) {
      const name = this.discovery.getMetadataByDecorator(FeedAdapterMarker, wrapper);
      const provider = wrapper.instance as FeedAdapterProvider | undefined;
      if (!name || !provider || typeof provider.create !== 'function') continue;
      // Code registrations win over discovered ones with the same name.
      if (!this.factories.has(name)) this.factories.set(name, (options, context) => provider.create(options, context));
    }
  }
}
