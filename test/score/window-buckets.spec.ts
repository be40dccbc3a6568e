import { WindowBuckets } from '../../src/score/window-buckets';

const HOUR = 3_600_000;

describe('WindowBuckets', () => {
  it('uses one-hour buckets for the seed windows of 1, 3 and 7 days', () => {
    const b = new WindowBuckets([{ name: 'recent', seconds: 86400 }, { name: 'steady', seconds: 259200 }, { name: 'anchor', seconds: 604800 }]);
    expect(b.bucketMs).toBe(HOUR);
    expect(b.longestWindowSeconds()).toBe(604800);
  });

  it('picks a bucket that divides every window, at most 1/24 of the smallest', () => {
    expect(WindowBuckets.bucketSecondsFor([{ name: 'recent', seconds: 600 }, { name: 'steady', seconds: 1800 }])).toBe(25);
    expect(WindowBuckets.bucketSecondsFor([{ name: 'recent', seconds: 7 }])).toBe(1);
    expect(WindowBuckets.bucketSecondsFor([{ name: 'a', seconds: 86400 }, { name: 'b', seconds: 90000 }])).toBe(3600);
  });

  it('starts a window at the bucket holding now - W: exact on a boundary, up to one bucket longer otherwise', () => {
    const b = new WindowBuckets([{ name: 'recent', seconds: 86400 }]);
    const day2 = Date.UTC(2026, 0, 2);
    expect(b.windowStartMs(day2, 86400)).toBe(Date.UTC(2026, 0, 1));
    expect(b.windowStartMs(day2 + 30 * 60_000, 86400)).toBe(Date.UTC(2026, 0, 1));
    expect(b.windowStartMs(day2 + HOUR, 86400)).toBe(Date.UTC(2026, 0, 1, 1));
  });

  it('rejects windows that are not whole positive seconds', () => {
    expect(() => new WindowBuckets([{ name: 'recent', seconds: 0.5 }])).toThrow(/recent/);
    expect(() => new WindowBuckets([])).toThrow(/at least one window/);
  });
});
