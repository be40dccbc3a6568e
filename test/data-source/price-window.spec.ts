import { PriceWindow } from '../../src/data-source/price-window';

const S = 1000;

describe('PriceWindow', () => {
  it('keeps observations sorted whatever the insert order, ignoring repeated timestamps', () => {
    const w = new PriceWindow(3600 * S);
    for (const [ts, v] of [[60, 1], [180, 3], [120, 2], [0, 0], [120, 99]] as const) w.insert(ts * S, v);
    expect(w.since()).toEqual([
      { ts: 0, value: 0 },
      { ts: 60 * S, value: 1 },
      { ts: 120 * S, value: 2 },
      { ts: 180 * S, value: 3 },
    ]);
    expect(w.insert(120 * S, 5)).toBe(false);
  });

  it('evicts what is older than the history behind the newest observation', () => {
    const w = new PriceWindow(120 * S);
    for (let m = 0; m <= 5; m++) w.insert(m * 60 * S, m);
    expect(w.since().map((o) => o.value)).toEqual([3, 4, 5]);
    expect(w.coversFrom()).toBe(180 * S);
    expect(w.insert(60 * S, 1)).toBe(false); // too old to keep
    expect(w.size).toBe(3);
  });

  it('stays correct across many evictions (compaction)', () => {
    const w = new PriceWindow(1000 * S);
    for (let i = 0; i < 20_000; i++) w.insert(i * S, i);
    expect(w.size).toBe(1001);
    expect(w.oldestTs()).toBe(18_999 * S);
    expect(w.nearest(19_500 * S, 0)).toEqual({ ts: 19_500 * S, value: 19_500 });
  });

  it('finds the nearest observation, preferring the earlier one on a tie', () => {
    const w = new PriceWindow(3600 * S);
    w.insert(60 * S, 1);
    w.insert(120 * S, 2);
    expect(w.nearest(100 * S, 30 * S)).toEqual({ ts: 120 * S, value: 2 });
    expect(w.nearest(80 * S, 30 * S)).toEqual({ ts: 60 * S, value: 1 });
    expect(w.nearest(90 * S, 30 * S)).toEqual({ ts: 60 * S, value: 1 });
    expect(w.nearest(500 * S, 1000 * S)).toEqual({ ts: 120 * S, value: 2 });
    expect(w.nearest(0, 100 * S)).toEqual({ ts: 60 * S, value: 1 });
  });

  it('rejects the nearest observation when it is farther than the staleness bound', () => {
    const w = new PriceWindow(3600 * S);
    w.insert(60 * S, 1);
    expect(w.nearest(91 * S, 30 * S)).toBeNull();
    expect(w.nearest(29 * S, 30 * S)).toBeNull();
    expect(w.nearest(30 * S, 30 * S)).toEqual({ ts: 60 * S, value: 1 });
    expect(new PriceWindow(S).nearest(0, 1e12)).toBeNull();
  });

  it('slices points after a time (exclusive) and within a range (inclusive)', () => {
    const w = new PriceWindow(3600 * S);
    for (let m = 0; m < 5; m++) w.insert(m * 60 * S, m);
    expect(w.since(120 * S).map((o) => o.value)).toEqual([3, 4]);
    expect(w.since(10_000 * S)).toEqual([]);
    expect(w.range(60 * S, 180 * S).map((o) => o.value)).toEqual([1, 2, 3]);
  });
});
