import { penaltyScore } from '../../src/score/penalty-score';

describe('penaltyScore', () => {
  describe('batch-min', () => {
    it('gives the seed rule for a higher-is-better scorer: the round minimum, capped at 0', () => {
      expect(penaltyScore({ policy: 'batch-min', cap: 0 }, [0.8, 1.2, 3], 'higher')).toBe(0);
      expect(penaltyScore({ policy: 'batch-min', cap: 0 }, [-2, 1.2], 'higher')).toBe(-2);
    });

    it('takes the worst successful score without a cap', () => {
      expect(penaltyScore({ policy: 'batch-min', cap: null }, [0.8, 1.2, 3], 'higher')).toBe(0.8);
      expect(penaltyScore({ policy: 'batch-min', cap: null }, [0.8, 1.2, 3], 'lower')).toBe(3);
    });

    it('bounds a lower-is-better penalty from below, so failing never beats the cap', () => {
      expect(penaltyScore({ policy: 'batch-min', cap: 10 }, [0.5, 2], 'lower')).toBe(10);
      expect(penaltyScore({ policy: 'batch-min', cap: 1 }, [0.5, 2], 'lower')).toBe(2);
    });

    it('falls back to the cap, or no score, when nobody in the round succeeded', () => {
      expect(penaltyScore({ policy: 'batch-min', cap: 0 }, [], 'higher')).toBe(0);
      expect(penaltyScore({ policy: 'batch-min', cap: null }, [], 'higher')).toBeNull();
    });
  });

  it('fixed gives its value whatever the round', () => {
    expect(penaltyScore({ policy: 'fixed', value: -5 }, [1, 2], 'higher')).toBe(-5);
    expect(penaltyScore({ policy: 'fixed', value: -5 }, [], 'lower')).toBe(-5);
  });

  describe('percentile', () => {
    const scores = [5, 1, 3, 2, 4, 6, 7, 8, 9, 10, 11];
    it('counts from the best end: the 90th percentile of a lower-is-better score is a bad one (Synth CRPS)', () => {
      expect(penaltyScore({ policy: 'percentile', percentile: 90 }, scores, 'lower')).toBeCloseTo(10, 12);
    });
    it('is mirrored for a higher-is-better score (the 10th percentile from the bottom)', () => {
      expect(penaltyScore({ policy: 'percentile', percentile: 90 }, scores, 'higher')).toBeCloseTo(2, 12);
    });
    it('interpolates linearly between ranks', () => {
      expect(penaltyScore({ policy: 'percentile', percentile: 75 }, [0, 10], 'lower')).toBeCloseTo(7.5, 12);
    });
    it('has no value when nobody in the round succeeded', () => {
      expect(penaltyScore({ policy: 'percentile', percentile: 90 }, [], 'lower')).toBeNull();
    });
  });
});
