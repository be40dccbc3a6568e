import { degenerateGameFindings, FindingRules } from '../../src/cli/check/check-findings';
import type { CheckResults, ModelResult } from '../../src/cli/check/check-results';

function model(id: string, role: ModelResult['role'], over: Partial<ModelResult> = {}): ModelResult {
  return { id, name: id, role, notRunning: null, statuses: { SUCCESS: 10 }, firstFailure: null, scoredPredictions: 10, meanScore: 1, allScoresZero: false, largestPayloadBytes: 100, ...over };
}

const RULES: FindingRules = { direction: 'higher', maxPredictionBytes: 1000, referencesSkipped: null };

function results(models: ModelResult[]): CheckResults {
  return { configs: [{ config: 'BTC-120-30', rounds: 3, scoredPredictions: 9 }], models };
}

function verdicts(r: CheckResults, rules: FindingRules = RULES): Record<string, string> {
  return Object.fromEntries(degenerateGameFindings(r, rules).map((f) => [f.check, f.verdict]));
}

describe('the degenerate-game findings', () => {
  const healthy = [model('a', 'example', { meanScore: 2 }), model('b', 'example', { meanScore: 3 }), model('c', 'reference-constant', { meanScore: 1 }), model('i', 'reference-informed', { meanScore: 5 })];

  it('passes a game whose examples differ, score, and whose informed reference beats the constant one', () => {
    expect(verdicts(results(healthy))).toEqual({ 'models answer': 'PASS', 'configs scored': 'PASS', 'scores differ': 'PASS', 'scores not zero': 'PASS', 'scorer separates': 'PASS', 'payload size': 'PASS' });
  });

  it('judges the separation by the ranking direction: lower is better turns the same scores into a warning', () => {
    expect(verdicts(results(healthy), { ...RULES, direction: 'lower' })['scorer separates']).toBe('WARN');
  });

  it('treats means equal up to floating-point noise as the same score', () => {
    const twins = [model('a', 'example', { meanScore: 0.1 + 0.2 }), model('b', 'example', { meanScore: 0.3 }), ...healthy.slice(2)];
    expect(verdicts(results(twins))['scores differ']).toBe('WARN');
  });

  it('warns above 80% of the payload limit, not at it', () => {
    const at = [model('a', 'example', { largestPayloadBytes: 800 }), ...healthy.slice(1)];
    expect(verdicts(results(at))['payload size']).toBe('PASS');
    const above = degenerateGameFindings(results([model('a', 'example', { largestPayloadBytes: 801 }), ...healthy.slice(1)]), RULES).filter((f) => f.check === 'payload size');
    expect(above).toEqual([{ check: 'payload size', verdict: 'WARN', message: "model a's largest payload is 801 bytes, 80% of model.maxPredictionBytes (1000)" }]);
  });

  it('skips, saying why, what it cannot judge: no reference models, an unknown direction, a single example', () => {
    const findings = degenerateGameFindings(results([model('a', 'example')]), { ...RULES, referencesSkipped: 'output kind "number": the reference models answer density forecasts only' });
    expect(findings.filter((f) => f.verdict === 'SKIP').map((f) => `${f.check}: ${f.message}`)).toEqual([
      'scores differ: fewer than two example models were scored (1): nothing to compare',
      'scorer separates: no reference models: output kind "number": the reference models answer density forecasts only',
    ]);
    expect(verdicts(results(healthy), { ...RULES, direction: null })['scorer separates']).toBe('SKIP');
  });

  it('warns when a reference model got no score, since the scorer then cannot be judged', () => {
    const unscored = [...healthy.slice(0, 3), model('i', 'reference-informed', { meanScore: null, scoredPredictions: 0 })];
    expect(degenerateGameFindings(results(unscored), RULES).find((f) => f.check === 'scorer separates')).toEqual({ check: 'scorer separates', verdict: 'WARN', message: 'the scorer cannot be judged: i got no score' });
  });
});
