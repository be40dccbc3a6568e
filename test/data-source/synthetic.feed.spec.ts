import { SyntheticFeedAdapter } from '../../src/data-source/adapters/synthetic.feed';
import { SyntheticPriceProcess } from '../../src/data-source/adapters/synthetic-price-process';
import { FeedContext, feedPages, Feed, FeedRecord } from '../../src/data-source/feed';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const NOW = T0 + 3 * 86_400_000;
const context: FeedContext = { source: 'synthetic', subjects: ['BTC', 'ETH'], granularitySeconds: 60, nowMs: () => NOW };

async function read(feed: Feed, subject: string, fromMs: number, toMs: number): Promise<FeedRecord[]> {
  const out: FeedRecord[] = [];
  for await (const page of feedPages(feed.fetchRange(subject, fromMs, toMs))) out.push(...page);
  return out;
}

describe('synthetic feed', () => {
  it('gives the same value at a timestamp whatever ranges were fetched before, bit for bit', async () => {
    const whole = await read(new SyntheticFeedAdapter().create({ seed: 42 }, context), 'BTC', T0, T0 + 3000 * MIN);
    const pieces = new SyntheticFeedAdapter().create({ seed: 42 }, context);
    const later = await read(pieces, 'BTC', T0 + 2000 * MIN, T0 + 3000 * MIN);
    const earlier = await read(pieces, 'BTC', T0, T0 + 1999 * MIN);
    expect([...earlier, ...later]).toEqual(whole);
    // A lone point, asked cold, matches too.
    const single = await read(new SyntheticFeedAdapter().create({ seed: 42 }, context), 'BTC', T0 + 1234 * MIN, T0 + 1234 * MIN);
    expect(single[0]).toEqual(whole[1234]);
  });

  it('differs by seed and by subject', async () => {
    const a = await read(new SyntheticFeedAdapter().create({ seed: 1 }, context), 'BTC', T0, T0 + 10 * MIN);
    const b = await read(new SyntheticFeedAdapter().create({ seed: 2 }, context), 'BTC', T0, T0 + 10 * MIN);
    const c = await read(new SyntheticFeedAdapter().create({ seed: 1 }, context), 'ETH', T0, T0 + 10 * MIN);
    expect(a.map((r) => r.values.price)).not.toEqual(b.map((r) => r.values.price));
    expect(a.map((r) => r.values.price)).not.toEqual(c.map((r) => r.values.price));
  });

  it('stamps records on step boundaries and never past the clock', async () => {
    const records = await read(new SyntheticFeedAdapter().create({}, context), 'BTC', NOW - 5 * MIN - 1, NOW + 60 * MIN);
    expect(records.map((r) => r.ts)).toEqual([-5, -4, -3, -2, -1, 0].map((k) => NOW + k * MIN));
    expect(records.every((r) => r.values.price > 0)).toBe(true);
  });

  it('starts at the start price and moves with roughly the configured volatility', () => {
    const process = new SyntheticPriceProcess('BTC', {
      seed: 3, stepSeconds: 60, originMs: T0, startPrice: 50_000, volatility: 0.8, regimeSteps: 1e9, jumpProbability: 0, jumpStdDev: 0,
    });
    expect(process.priceAt(T0)).toBe(50_000);
    const returns: number[] = [];
    for (let i = 1; i <= 20_000; i++) returns.push(process.logReturn(Math.floor(T0 / MIN) + i));
    const sd = Math.sqrt(returns.reduce((s, r) => s + r * r, 0) / returns.length);
    const perMinute = 0.8 * Math.sqrt(60 / (365 * 86_400));
    // one regime for the whole sample: its multiplier is 0.5, 1 or 2.5
    expect([0.5, 1, 2.5].some((m) => Math.abs(sd / (perMinute * m) - 1) < 0.05)).toBe(true);
  });

  it('prices before the origin are reproducible too', () => {
    const params = { seed: 9, stepSeconds: 60, originMs: T0, startPrice: 100, volatility: 0.8, regimeSteps: 720, jumpProbability: 0.01, jumpStdDev: 0.01 };
    const a = new SyntheticPriceProcess('SOL', params);
    const b = new SyntheticPriceProcess('SOL', params);
    const before = T0 - 5000 * MIN;
    expect([...a.prices(before, before + 3 * MIN)].map((p) => p.price)).toEqual([0, 1, 2, 3].map((k) => b.priceAt(before + k * MIN)));
  });

  it('names a bad option', () => {
    expect(() => new SyntheticFeedAdapter().create({ volatility: 'high' }, context)).toThrow('[feed synthetic] feed.options.volatility: must be a finite number');
    expect(() => new SyntheticFeedAdapter().create({ startPrices: { BTC: -1 } }, context)).toThrow('feed.options.startPrices.BTC: must be > 0');
  });
});
