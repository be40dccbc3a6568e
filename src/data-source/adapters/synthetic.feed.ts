import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import { FeedOptionError } from '../feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { SyntheticPriceProcess } from './synthetic-price-process';

const PAGE = 10_000;

/**
 * `synthetic`: seeded prices for development, demos and tests, never confused with a market
 * feed (source `synthetic`). Records `{price}` at every step up to the clock's now.
 *
 * Options: `seed` (1), `startPrices` ({subject: price}), `startPrice` (100), `volatility`
 * (annualised, 0.8), `regimeSteps` (720), `jumpProbability` (0.001), `jumpStdDev` (0.01),
 * `origin` (ISO date of step 0, 2024-01-01), `stepSeconds` (the feed granularity).
 */
@FeedAdapter('synthetic')
export class SyntheticFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['seed', 'startPrices', 'startPrice', 'volatility', 'regimeSteps', 'jumpProbability', 'jumpStdDev', 'origin', 'stepSeconds']);
    const origin = Date.parse(o.string('origin', '2024-01-01T00:00:00Z'));
    if (Number.isNaN(origin)) throw new FeedOptionError(context.source, 'origin', 'must be an ISO date');
    const startPrices = o.numberMap('startPrices');
    const common = {
      seed: o.number('seed', 1, { integer: true }),
      stepSeconds: o.number('stepSeconds', context.granularitySeconds, { min: 1, integer: true }),
      originMs: origin,
      volatility: o.number('volatility', 0.8, { min: 0, max: 20 }),
      regimeSteps: o.number('regimeSteps', 720, { min: 1, integer: true }),
      jumpProbability: o.number('jumpProbability', 0.001, { min: 0, max: 1 }),
      jumpStdDev: o.number('jumpStdDev', 0.01, { min: 0, max: 1 }),
    };
    const startPrice = o.number('startPrice', 100, { min: Number.MIN_VALUE });
    for (const [subject, price] of Object.entries(startPrices)) {
      if (!(price > 0)) throw new FeedOptionError(context.source, `startPrices.${subject}`, 'must be > 0');
    }
    const processes = new Map<string, SyntheticPriceProcess>();
    const processOf = (subject: string) => {
      let process = processes.get(subject);
      if (!process) {
        process = new SyntheticPriceProcess(subject, { ...common, startPrice: startPrices[subject] ?? startPrice });
        processes.set(subject, process);
      }
      return process;
    };
    return {
      listSubjects: async () => [...context.subjects],
      async *fetchRange(subject: string, fromMs: number, toMs: number): AsyncGenerator<FeedRecord[]> {
        // A synthetic market has no future either: nothing after the clock's now.
        const until = Math.min(toMs, context.nowMs());
        let page: FeedRecord[] = [];
        for (const { ts, price } of processOf(subject).prices(fromMs, until)) {
          page.push({ subject, ts, values: { price } });
          if (page.length === PAGE) {
            yield page;
            page = [];
          }
        }
        if (page.length > 0) yield page;
      },
    };
  }
}
