import { Logger } from '@nestjs/common';
import { FeedRecordValidator, ValidationRules } from '../../src/data-source/feed-record-validator';
import type { FeedRecord } from '../../src/data-source/feed';

const T0 = Date.UTC(2026, 0, 1);
const rules: ValidationRules = { valueField: 'close', requirePositive: true, subjects: new Set(['BTC']), latestAcceptableTs: T0 + 3_600_000 };
const rec = (ts: number, values: Record<string, unknown>, subject = 'BTC') => ({ subject, ts, values }) as FeedRecord;

describe('FeedRecordValidator', () => {
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('skips each bad record with one line naming the source and position, and keeps the rest', () => {
    const { kept, skipped } = new FeedRecordValidator('pyth').validate(
      [
        rec(T0, { close: 100 }),
        rec(T0 + 60_000, { open: 1 }),
        rec(T0 + 120_000, { close: 0 }),
        rec(T0 + 180_000, { close: -3 }),
        rec(T0 + 240_000, { close: Number.NaN }),
        rec(T0, { close: 100 }),
        rec(T0 - 60_000, { close: 99 }),
        rec(T0 + 7_200_000, { close: 1 }),
        rec(T0 + 300_000, { close: 105 }),
        rec(T0 + 300_000, { close: 5 }, 'DOGE'),
      ],
      rules,
      'BTC page 1',
    );
    expect(kept.map((r) => r.values.close)).toEqual([100, 105]);
    expect(skipped).toBe(7);
    expect(warnings).toEqual([
      'source pyth: skipped record 1 of BTC page 1: missing value field "close" for BTC at 2026-01-01T00:01:00.000Z (fields: open)',
      'source pyth: skipped record 2 of BTC page 1: close=0 is not a positive price for BTC at 2026-01-01T00:02:00.000Z',
      'source pyth: skipped record 3 of BTC page 1: close=-3 is not a positive price for BTC at 2026-01-01T00:03:00.000Z',
      'source pyth: skipped record 4 of BTC page 1: non-numeric close=NaN for BTC at 2026-01-01T00:04:00.000Z',
      'source pyth: skipped record 5 of BTC page 1: duplicate timestamp 2026-01-01T00:00:00.000Z for BTC',
      'source pyth: skipped record 6 of BTC page 1: out-of-order timestamp 2025-12-31T23:59:00.000Z after 2026-01-01T00:00:00.000Z for BTC',
      'source pyth: skipped record 7 of BTC page 1: timestamp 2026-01-01T02:00:00.000Z is in the future for BTC',
    ]);
  });

  it('accepts zero and negative values when the kind is not a price', () => {
    const { kept } = new FeedRecordValidator('x').validate([rec(T0, { close: -1 }), rec(T0 + 1, { close: 0 })], { ...rules, requirePositive: false }, 'p');
    expect(kept).toHaveLength(2);
  });

  it('caps the log lines of a very bad batch with a summary', () => {
    const bad = Array.from({ length: 100 }, (_, i) => rec(T0 + i, { close: 0 }));
    expect(new FeedRecordValidator('x').validate(bad, rules, 'p').skipped).toBe(100);
    expect(warnings).toHaveLength(21);
    expect(warnings[20]).toBe('source x: skipped 100 records of p in total (first 20 logged)');
  });
});
