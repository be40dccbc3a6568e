import { closeTo, loadScoringFixture } from '../../../fixtures/scoring/reference-fixtures';
import { erf, erfc, logGamma, logGammaHalfRatio, normalCdf, regularizedBeta, regularizedGammaP } from '../../../../src/score/scorers/density/special-functions';

interface SpecialFunctionFixtures {
  erf: [number, number][];
  erfc: [number, number][];
  normalCdf: [number, number][];
  logGamma: [number, number][];
  logGammaHalfRatio: [number, number][];
  regularizedGammaP: [number, number, number][];
  regularizedBeta: [number, number, number, number][];
}

const fixtures = loadScoringFixture<SpecialFunctionFixtures>('special-functions.json');

function mismatches(rows: number[][], evaluate: (...args: number[]) => number, relative: number, absolute = 0): string[] {
  return rows
    .map((row) => {
      const args = row.slice(0, -1);
      const problem = closeTo(evaluate(...args), row[row.length - 1], relative, absolute);
      return problem === null ? null : `(${args.join(', ')}): ${problem}`;
    })
    .filter((m): m is string => m !== null);
}

describe('special functions against mpmath (40 digits)', () => {
  it('erf is accurate to 1e-15 relative', () => {
    expect(mismatches(fixtures.erf, erf, 1e-15, 1e-300)).toEqual([]);
  });

  it('erfc is accurate to 1e-13 relative, including the far right tail', () => {
    // 1 - erf(x) for x < 2 loses up to 2 digits (erfc(2) = 4.7e-3), hence 1e-13 and not 1e-15.
    expect(mismatches(fixtures.erfc, erfc, 1e-13)).toEqual([]);
  });

  it('the normal CDF keeps relative accuracy in the left tail', () => {
    expect(mismatches(fixtures.normalCdf, normalCdf, 1e-13)).toEqual([]);
  });

  it('log-gamma (Lanczos) is accurate to 1e-13 relative', () => {
    // Near the zeros of ln Gamma (x = 1, 2) only absolute accuracy is meaningful: 1e-15 absolute.
    expect(mismatches(fixtures.logGamma, logGamma, 1e-13, 1e-15)).toEqual([]);
  });

  it('ln(Gamma(x + 1/2) / Gamma(x)) stays accurate for huge x where the difference of log-gammas cancels', () => {
    expect(mismatches(fixtures.logGammaHalfRatio, logGammaHalfRatio, 1e-13, 1e-15)).toEqual([]);
  });

  it('the regularized incomplete gamma and beta functions agree to 1e-11', () => {
    // Their prefactor exp(a ln x - x - lnGamma(a)) loses digits for a ~ 1e4: 1e-11 covers it.
    expect(mismatches(fixtures.regularizedGammaP, regularizedGammaP, 1e-11, 1e-300)).toEqual([]);
    expect(mismatches(fixtures.regularizedBeta, regularizedBeta, 1e-11, 1e-300)).toEqual([]);
  });
});
