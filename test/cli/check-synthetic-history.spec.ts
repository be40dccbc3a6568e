import * as path from 'node:path';
import { checkRange, syntheticHistory } from '../../src/cli/check/synthetic-history';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';

const demo = loadCompetitionFile(path.resolve(__dirname, '../../competitions/demo.yaml'));

describe("the check's synthetic history", () => {
  const range = checkRange(demo);

  it('covers every config horizon plus three more rounds, and the scoring that resolves them', () => {
    // The slow configs: 300 s + 3 x 120 s; then two scoring intervals, the staleness bound and one granule.
    expect((range.toMs - range.fromMs) / 1000).toBe(300 + 360 + 2 * 15 + 15 + 5);
    expect((checkRange(demo, 90).toMs - range.fromMs) / 1000).toBe(90);
  });

  it("gives every feed subject a point per granule from the history a joining model gets to the range's end", () => {
    const prices = syntheticHistory(demo, range);
    expect(prices.subjects()).toEqual([...demo.feed.subjects].sort());
    const btc = prices.between('BTC', -Infinity, Infinity);
    expect(btc[0].ts).toBe(range.fromMs - demo.feed.historySeconds * 1000);
    expect(btc[btc.length - 1].ts).toBe(range.toMs);
    expect(btc.length).toBe((range.toMs - btc[0].ts) / (demo.feed.granularity * 1000) + 1);
    // Starts at the feed's own start price, so a price-difference target keeps its scale.
    expect(btc[0].price).toBeCloseTo(60000, 6);
  });

  it('is the same on every run (seeded)', () => {
    expect([...syntheticHistory(demo, range).all()]).toEqual([...syntheticHistory(demo, range).all()]);
  });

  it('switches volatility regimes within the run, so reading the recent moves pays', () => {
    const points = syntheticHistory(demo, range).between('ETH', range.fromMs, range.toMs);
    const quarter = Math.floor(points.length / 4);
    const rms = [0, 1, 2, 3].map((q) => {
      const part = points.slice(q * quarter, (q + 1) * quarter + 1);
      const moves = part.slice(1).map((p, i) => Math.log(p.price / part[i].price));
      return Math.sqrt(moves.reduce((s, m) => s + m * m, 0) / moves.length);
    });
    expect(Math.max(...rms) / Math.min(...rms)).toBeGreaterThan(1.5);
  });
});
