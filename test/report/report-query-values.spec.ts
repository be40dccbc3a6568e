import { ifNoneMatchHits } from '../../src/report/leaderboard/if-none-match';
import { decodePageCursor, encodePageCursor } from '../../src/report/query/page-cursor';
import { parseIsoTimestamp } from '../../src/report/query/iso-timestamp';
import { readLeaderboardEntries } from '../../src/leaderboard/leaderboard-entry';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2025-01-01T10:00:00Z', '2025-01-01T10:00:00.000Z'],
    ['2025-01-01T10:00:00', '2025-01-01T10:00:00.000Z'],
    ['2025-01-01 10:00', '2025-01-01T10:00:00.000Z'],
    ['2025-01-01', '2025-01-01T00:00:00.000Z'],
    ['2025-01-01T12:00:00+02:00', '2025-01-01T10:00:00.000Z'],
    ['2025-01-01T05:30:00-0430', '2025-01-01T10:00:00.000Z'],
    ['2025-01-01T10:00:00.123456789Z', '2025-01-01T10:00:00.123Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseIsoTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2025-02-30', '2025-13-01', '2025-01-01T24:00:00Z', '2025-01-01T10:60:00Z', '2025-W01-1', '2025-001', '1735689600', '2025-01-01T00:00:00+15:00', '', ['2025-01-01']])(
    'rejects %p',
    (text) => {
      expect(parseIsoTimestamp(text)).toBeUndefined();
    },
  );
});

describe('page cursors', () => {
  it('round-trip and refuse anything else', () => {
    const cursor = { at: '2025-01-01T10:00:00.123456Z', id: '4f7e0c6e-3b8a-4d0a-9d4e-2f0f7b1f6a11' };
    expect(decodePageCursor(encodePageCursor(cursor))).toEqual(cursor);
    expect(() => decodePageCursor('bm9wZQ')).toThrow(/cursor/);
    expect(() => decodePageCursor(encodePageCursor({ ...cursor, id: "x' OR 1=1" }))).toThrow(/cursor/);
  });
});

describe('ifNoneMatchHits', () => {
  it('matches the tag, a weak form, a list member or *', () => {
    expect(ifNoneMatchHits('"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"b", "a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('*', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"b"', '"a"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"a"')).toBe(false);
  });
});

describe('readLeaderboardEntries', () => {
  it('keeps a score of 0 (the seed treated it as missing) and sorts unranked entries last', () => {
    const invalid: number[] = [];
    const entries = readLeaderboardEntries(
      [{ rank: null, model_id: 'z' }, { rank: 2, model_id: 'b', score_anchor: 0 }, { rank: 1, model_id: 'a', score_anchor: 'x' }, { rank: 0, model_id: 'c' }, 'junk'],
      (i) => invalid.push(i),
    );
    expect(entries.map((e) => [e.model_id, e.rank, e.score_anchor])).toEqual([['a', 1, null], ['b', 2, 0], ['z', null, null]]);
    expect(invalid).toEqual([3, 4]);
  });
});
