import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/** The discoverable marker behind `@FeedAdapter`; the registry looks providers up by its KEY. */
export const FeedAdapterMarker = DiscoveryService.createDecorator<string>();

/**
 * Registers a provider class as the feed adapter `name`. Any module of the app can declare one:
 * the `FeedRegistry` discovers it at start-up, no core code to edit.
 *
 * @example
 *   @FeedAdapter('my-api')
 *   export class MyApiFeedAdapter implements FeedAdapterProvider {
 *     create(options: Record<string, unknown>, context: FeedContext): Feed { ... }
 *   }
 */
export function FeedAdapter(name: string): ClassDecorator {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) throw new Error(`invalid feed adapter name "${name}"`);
  return applyDecorators(Injectable(), FeedAdapterMarker(name));
}
