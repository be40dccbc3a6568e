import { shortReason } from '../../src/score/failure-reason';

describe('shortReason', () => {
  it('keeps the first line after the prefix, without the traceback', () => {
    expect(shortReason('deadline exceeded\n    at Call.x (call.js:1)', 'TIMEOUT')).toBe('TIMEOUT: deadline exceeded');
  });

  it('is the prefix alone when there is no detail, and null with neither', () => {
    expect(shortReason(null, 'ABSENT')).toBe('ABSENT');
    expect(shortReason('  \n  ')).toBeNull();
    expect(shortReason(42)).toBeNull();
  });

  it('cuts a long line to 200 characters ending with an ellipsis', () => {
    const reason = shortReason('x'.repeat(500));
    expect(reason).toHaveLength(200);
    expect(reason!.endsWith('…')).toBe(true);
  });
});
