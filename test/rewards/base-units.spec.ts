import { formatUnits, toBaseUnits } from '../../src/rewards/base-units';

const sum = (units: bigint[]) => units.reduce((acc, u) => acc + u, 0n);

describe('toBaseUnits (largest remainder, exact)', () => {
  it('splits thirds so the integer amounts add up to the total', () => {
    expect(toBaseUnits([1 / 3, 1 / 3, 1 / 3], 2)).toEqual({ units: [34n, 33n, 33n], total: 100n });
  });

  it('gives the leftover units to the largest remainders, equal remainders to the earlier amount', () => {
    // Amounts exact in binary: 1.25 + 6.25 + 2.5 = 10 at one decimal; floors 1, 6, 2; the remainder .5 wins the unit.
    expect(toBaseUnits([0.125, 0.625, 0.25], 1).units).toEqual([1n, 6n, 3n]);
    // Equal remainders: the earlier amounts first.
    expect(toBaseUnits([0.5, 0.5, 0.5, 0.5], 0)).toEqual({ units: [1n, 1n, 0n, 0n], total: 2n });
    expect(toBaseUnits([0.25, 0.75, 0.25, 0.75], 0).units).toEqual([0n, 1n, 0n, 1n]);
  });

  it('uses the exact binary value of each double (0.1 is slightly above 1/10)', () => {
    expect(toBaseUnits([0.1], 1)).toEqual({ units: [1n], total: 1n });
    expect(toBaseUnits([0.1], 20).units[0]).toBe(10000000000000000555n); // 0.1000000000000000055511151231257827...
  });

  it('keeps amounts beyond 2^53 base units exact (18 decimals, as ERC-20 tokens)', () => {
    const { units, total } = toBaseUnits([75.7598319809256, 45.95066087110907], 18);
    expect(sum(units)).toBe(total);
    expect(typeof total).toBe('bigint');
    // Independently (Python fractions): exact values ...596894.849 and ...072047.602, exact sum rounds to ...668942,
    // so the one unit left after flooring goes to the larger remainder (the first).
    expect(units).toEqual([75759831980925596895n, 45950660871109072047n]);
    expect(total).toBe(121710492852034668942n);
  });

  it('sums exactly to the distributed total on many random splits', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const amounts = Array.from({ length: 1 + (trial % 17) }, () => random() * 1000);
      const decimals = trial % 9;
      const { units, total } = toBaseUnits(amounts, decimals);
      expect(sum(units)).toBe(total);
      const exact = amounts.reduce((acc, a) => acc + a, 0) * 10 ** decimals;
      expect(Math.abs(Number(total) - exact)).toBeLessThanOrEqual(0.5 + exact * 1e-12);
      units.forEach((u, i) => expect(Math.abs(Number(u) - amounts[i] * 10 ** decimals)).toBeLessThan(1 + 1e-6));
    }
  });

  it('handles zero amounts and an empty list', () => {
    expect(toBaseUnits([0, 2.5, 0], 0)).toEqual({ units: [0n, 3n, 0n], total: 3n });
    expect(toBaseUnits([], 6)).toEqual({ units: [], total: 0n });
  });

  it('refuses negative or non-finite amounts and bad decimals', () => {
    expect(() => toBaseUnits([-1], 2)).toThrow('amount 0 must be a finite number >= 0, got -1');
    expect(() => toBaseUnits([NaN], 2)).toThrow(RangeError);
    expect(() => toBaseUnits([1], 31)).toThrow('decimals must be an integer in 0..30, got 31');
    expect(() => toBaseUnits([1], 1.5)).toThrow(RangeError);
  });

  it('formatUnits writes base units as a decimal string', () => {
    expect(formatUnits(1500000n, 6)).toBe('1.500000');
    expect(formatUnits(5n, 3)).toBe('0.005');
    expect(formatUnits(42n, 0)).toBe('42');
  });
});
