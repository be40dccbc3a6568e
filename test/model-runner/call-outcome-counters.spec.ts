import { CallOutcomeCounters } from '../../src/model-runner/runner/call-outcome-counters';

describe('CallOutcomeCounters: cool-down schedule', () => {
  it('skips 1, 2, 4 … calls after each timeout past the threshold, capped', () => {
    const counters = new CallOutcomeCounters({ maxConsecutiveFailures: 100, maxConsecutiveTimeouts: 100, cooldownAfterTimeouts: 2, maxCooldownSkips: 4 });
    const skipsAfterTimeout = () => {
      counters.recordTimeout('predict');
      let skips = 0;
      while (counters.takeCooldownSkip('predict')) skips += 1;
      return skips;
    };
    expect([1, 2, 3, 4, 5].map(skipsAfterTimeout)).toEqual([0, 1, 2, 4, 4]);
    counters.recordSuccess('predict');
    expect(counters.takeCooldownSkip('predict')).toBe(false);
  });

  it('asks for a health check every max(1, floor(0.2 * max timeouts))', () => {
    expect(new CallOutcomeCounters({ maxConsecutiveFailures: 1, maxConsecutiveTimeouts: 4 }).healthCheckEvery).toBe(1);
    const counters = new CallOutcomeCounters({ maxConsecutiveFailures: 1, maxConsecutiveTimeouts: 15, cooldownAfterTimeouts: 99 });
    expect(counters.healthCheckEvery).toBe(3);
    expect([1, 2, 3, 4, 5, 6].map(() => counters.recordTimeout('predict').healthCheck)).toEqual([false, false, true, false, false, true]);
  });
});

describe('CallOutcomeCounters: counted per method (issue 11 point 4)', () => {
  const limits = { maxConsecutiveFailures: 3, maxConsecutiveTimeouts: 3, cooldownAfterTimeouts: 99 };

  it('gives up on a predict that always fails although every tick in between succeeds', () => {
    const counters = new CallOutcomeCounters(limits);
    const verdicts = [1, 2, 3, 4].map(() => {
      counters.recordSuccess('tick');
      return counters.recordFailure('predict').giveUp;
    });
    expect(verdicts.slice(0, 3)).toEqual([null, null, null]);
    expect(verdicts[3]).toEqual({ failureCode: 'MULTIPLE_FAILED', reason: '4 consecutive failed predict calls (limit 3)' });
  });

  it('gives up on a predict that always times out although every tick in between succeeds', () => {
    const counters = new CallOutcomeCounters(limits);
    const verdicts = [1, 2, 3, 4].map(() => {
      counters.recordSuccess('tick');
      return counters.recordTimeout('predict').giveUp;
    });
    expect(verdicts.slice(0, 3)).toEqual([null, null, null]);
    expect(verdicts[3]).toEqual({ failureCode: 'MULTIPLE_TIMEOUT', reason: '4 consecutive predict timeouts (limit 3)' });
  });

  it('resets only the counters of the method that succeeded', () => {
    const counters = new CallOutcomeCounters(limits);
    counters.recordFailure('predict');
    counters.recordFailure('tick');
    counters.recordTimeout('tick');
    counters.recordSuccess('tick');
    expect([counters.failuresOf('predict'), counters.failuresOf('tick'), counters.timeoutsOf('tick')]).toEqual([1, 0, 0]);
    counters.recordSuccess('predict');
    expect(counters.consecutiveFailures).toBe(0);
  });

  it('does not add up the failures of different methods', () => {
    const counters = new CallOutcomeCounters(limits);
    for (let i = 0; i < 3; i += 1) {
      expect(counters.recordFailure('predict').giveUp).toBeNull();
      expect(counters.recordFailure('tick').giveUp).toBeNull();
    }
    expect(counters.consecutiveFailures).toBe(3);
  });

  it('cools down only the method that keeps timing out', () => {
    const counters = new CallOutcomeCounters({ ...limits, maxConsecutiveTimeouts: 100, cooldownAfterTimeouts: 1 });
    counters.recordTimeout('predict');
    expect(counters.takeCooldownSkip('tick')).toBe(false);
    expect(counters.takeCooldownSkip('predict')).toBe(true);
    expect(counters.takeCooldownSkip('predict')).toBe(false);
  });
});
