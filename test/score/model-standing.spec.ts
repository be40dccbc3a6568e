import { computeStandings, WindowTotals } from '../../src/score/model-standing';
import { WindowBuckets } from '../../src/score/window-buckets';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const windows = [
  { name: 'recent', seconds: 86_400 },
  { name: 'steady', seconds: 3 * 86_400 },
];
const buckets = new WindowBuckets(windows);
const NOW = 10 * DAY;

function totals(modelId: string, param: string, recent: [number, number, number], steady: [number, number, number]): WindowTotals {
  const [rs, rc, rf] = recent;
  const [ss, sc, sf] = steady;
  return { modelId, param, totals: [{ sum: rs, count: rc, failed: rf }, { sum: ss, count: sc, failed: sf }] };
}

const firstBuckets = (entries: Array<[string, string, number]>) => {
  const map = new Map<string, Map<string, number>>();
  for (const [model, param, ms] of entries) map.set(model, (map.get(model) ?? new Map()).set(param, ms));
  return map;
};

describe('computeStandings', () => {
  it('takes the mean per parameter set and the mean over parameter sets for the overall window', () => {
    const [s] = computeStandings(
      [totals('m', 'BTC-3600-60', [3, 2, 0], [6, 4, 1]), totals('m', 'ETH-3600-60', [1, 1, 0], [2, 2, 0])],
      firstBuckets([['m', 'BTC-3600-60', 0], ['m', 'ETH-3600-60', 0]]),
      windows,
      buckets,
      NOW,
    );
    expect(s.params.map((p) => [p.param, p.asset, p.horizon, p.step, p.windows.recent.value, p.windows.steady.value])).toEqual([
      ['BTC-3600-60', 'BTC', 3600, 60, 1.5, 1.5],
      ['ETH-3600-60', 'ETH', 3600, 60, 1, 1],
    ]);
    expect(s.windows.recent).toEqual({ value: 1.25, count: 3, failed: 0, complete: true, params: 2 });
    expect(s.windows.steady).toEqual({ value: 1.25, count: 6, failed: 1, complete: true, params: 2 });
  });

  it('leaves out a parameter set with nothing scored in a window instead of counting it as 0', () => {
    const [s] = computeStandings(
      [totals('m', 'BTC-3600-60', [4, 2, 0], [4, 2, 0]), totals('m', 'ETH-3600-60', [0, 0, 1], [9, 3, 0])],
      firstBuckets([['m', 'BTC-3600-60', 0], ['m', 'ETH-3600-60', 0]]),
      windows,
      buckets,
      NOW,
    );
    expect(s.windows.recent).toMatchObject({ value: 2, params: 1, failed: 1 });
    expect(s.windows.steady).toMatchObject({ value: 2.5, params: 2 });
  });

  it('marks a window complete only once the first scored bucket is at or before its start', () => {
    const twoDaysAgo = NOW - 2 * DAY;
    const [s] = computeStandings([totals('m', 'BTC-3600-60', [1, 1, 0], [1, 1, 0])], firstBuckets([['m', 'BTC-3600-60', twoDaysAgo]]), windows, buckets, NOW);
    expect(s.windows.recent.complete).toBe(true);
    expect(s.windows.steady.complete).toBe(false);
    expect(s.params[0].windows.steady.complete).toBe(false);
  });

  it('keeps 0.0 as a value and gives null to a window without scores', () => {
    const [s] = computeStandings([totals('m', 'BTC-3600-60', [0, 0, 2], [0, 3, 0])], firstBuckets([['m', 'BTC-3600-60', 0]]), windows, buckets, NOW);
    expect(s.windows.recent.value).toBeNull();
    expect(s.windows.steady.value).toBe(0);
  });

  it('leaves out models with nothing in any window and sorts the others by id', () => {
    const standings = computeStandings(
      [totals('z', 'BTC-3600-60', [1, 1, 0], [1, 1, 0]), totals('idle', 'BTC-3600-60', [0, 0, 0], [0, 0, 0]), totals('a', 'BTC-3600-60', [2, 1, 0], [2, 1, 0])],
      firstBuckets([]),
      windows,
      buckets,
      NOW,
    );
    expect(standings.map((s) => s.modelId)).toEqual(['a', 'z']);
    expect(standings[0].windows.recent.complete).toBe(false);
  });
});
