import { Inject, Module, Type } from '@nestjs/common';
import { FeedAdapter } from '../../data-source/feed-adapter.decorator';
import type { Feed, FeedAdapterProvider, FeedContext } from '../../data-source/feed';
import { ReplayPrices } from './replay-prices';

/** The feed adapter name a replayed competition is switched to. */
export const REPLAY_FEED = 'replay';
const REPLAY_PRICES = Symbol('REPLAY_PRICES');
const REPLAY_VALUE_FIELD = Symbol('REPLAY_VALUE_FIELD');

/**
 * `replay`: serves the replay's prices to the data source exactly as a live feed would, polled on
 * the clock. The data source asks up to its clock's "now", so a model never sees a later price.
 */
@FeedAdapter(REPLAY_FEED)
export class ReplayFeedAdapter implements FeedAdapterProvider {
  constructor(
    @Inject(REPLAY_PRICES) private readonly prices: ReplayPrices,
    @Inject(REPLAY_VALUE_FIELD) private readonly valueField: string,
  ) {}

  create(_options: Record<string, unknown>, context: FeedContext): Feed {
    return {
      listSubjects: async () => this.prices.subjects(),
      fetchRange: async (subject, fromMs, toMs) => this.prices.records(subject, fromMs, Math.min(toMs, context.nowMs()), this.valueField),
    };
  }
}

/**
 * The extension module a replay adds to the app (extensions are module classes): the `replay`
 * feed over its prices.
 *
 * @example
 *   AppModule.forRoot({ ..., competition: { ...c, feed: { ...c.feed, adapter: REPLAY_FEED } }, extensions: [replayFeedModule(prices, 'close')] })
 */
export function replayFeedModule(prices: ReplayPrices, valueField: string): Type {
  @Module({ providers: [{ provide: REPLAY_PRICES, useValue: prices }, { provide: REPLAY_VALUE_FIELD, useValue: valueField }, ReplayFeedAdapter] })
  class ReplayFeedModule {}
  return ReplayFeedModule;
}
