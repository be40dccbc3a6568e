import type { CheckResults, ModelResult } from './check-results';

export type CheckVerdict = 'PASS' | 'WARN' | 'SKIP';

/** One check of a degenerate game: its verdict and one readable line saying what and why. */
export interface CheckFinding {
  check: string;
  verdict: CheckVerdict;
  message: string;
}

export interface FindingRules {
  /** Higher or lower is better (the leaderboard's, `auto` resolved to the scorer's); null when unknown. */
  direction: 'higher' | 'lower' | null;
  maxPredictionBytes: number;
  /** Why the reference models were not written, or null. */
  referencesSkipped: string | null;
}

/** Above this share of `model.maxPredictionBytes`, a payload is near the limit. */
export const PAYLOAD_WARN_SHARE = 0.8;

/**
 * The degenerate-game checks over the check's results. Each check yields PASS, or one WARN line
 * per thing at fault, or SKIP with the reason it could not be judged (never a silent pass).
 *
 * @example
 *   degenerateGameFindings(results, { direction: 'higher', maxPredictionBytes: 1_000_000, referencesSkipped: null })
 *   // [{ check: 'models answer', verdict: 'PASS', message: '3 example models answered' }, ...]
 */
export function degenerateGameFindings(results: CheckResults, rules: FindingRules): CheckFinding[] {
  const examples = results.models.filter((m) => m.role === 'example');
  return [
    ...examplesAnswer(examples),
    ...configsScored(results),
    sameScore(examples),
    zeroScores(examples),
    separation(results.models, rules),
    ...payloadSizes(results.models, rules.maxPredictionBytes),
  ];
}

function examplesAnswer(examples: readonly ModelResult[]): CheckFinding[] {
  const check = 'models answer';
  if (examples.length === 0) return [{ check, verdict: 'WARN', message: 'the models file has no example model' }];
  const warnings = examples.flatMap((m): CheckFinding[] => {
    if (m.notRunning !== null) return [{ check, verdict: 'WARN', message: `example model ${label(m)} did not start: ${firstLine(m.notRunning)}` }];
    if ((m.statuses.SUCCESS ?? 0) > 0) return [];
    const counts = Object.entries(m.statuses).map(([status, n]) => `${n} ${status}`).join(', ') || 'no prediction';
    return [{ check, verdict: 'WARN', message: `example model ${label(m)} answered no SUCCESS prediction (${counts}${m.firstFailure ? `; first failure: ${firstLine(m.firstFailure)}` : ''})` }];
  });
  return warnings.length > 0 ? warnings : [{ check, verdict: 'PASS', message: `every example model (${examples.length}) started and answered` }];
}

function configsScored(results: CheckResults): CheckFinding[] {
  const check = 'configs scored';
  const warnings = results.configs
    .filter((c) => c.scoredPredictions === 0)
    .map((c): CheckFinding => ({ check, verdict: 'WARN', message: `prediction config ${c.config} has no scored prediction (${c.rounds} round(s) ran; is the run shorter than its horizon?)` }));
  return warnings.length > 0 ? warnings : [{ check, verdict: 'PASS', message: `every prediction config (${results.configs.length}) has scored predictions` }];
}

function sameScore(examples: readonly ModelResult[]): CheckFinding {
  const check = 'scores differ';
  const scored = examples.filter((m) => m.meanScore !== null);
  if (scored.length < 2) return { check, verdict: 'SKIP', message: `fewer than two example models were scored (${scored.length}): nothing to compare` };
  const first = scored[0].meanScore!;
  if (scored.every((m) => nearlyEqual(m.meanScore!, first))) {
    return { check, verdict: 'WARN', message: `every example model has the same mean score (${formatScore(first)}): the leaderboard cannot rank them` };
  }
  return { check, verdict: 'PASS', message: `the ${scored.length} example models have different mean scores` };
}

function zeroScores(examples: readonly ModelResult[]): CheckFinding {
  const check = 'scores not zero';
  if (examples.every((m) => m.meanScore === null)) return { check, verdict: 'WARN', message: 'no example model got a score: every score is null' };
  if (examples.every((m) => m.meanScore === null || m.allScoresZero)) return { check, verdict: 'WARN', message: 'every score of the example models is zero (or null): the scorer gives them nothing to rank' };
  return { check, verdict: 'PASS', message: 'the example models have non-zero scores' };
}

function separation(models: readonly ModelResult[], rules: FindingRules): CheckFinding {
  const check = 'scorer separates';
  if (rules.referencesSkipped !== null) return { check, verdict: 'SKIP', message: `no reference models: ${rules.referencesSkipped}` };
  if (rules.direction === null) return { check, verdict: 'SKIP', message: 'the scorer is not a built-in one, so its direction is unknown here' };
  const constant = models.find((m) => m.role === 'reference-constant');
  const informed = models.find((m) => m.role === 'reference-informed');
  if (constant?.meanScore == null || informed?.meanScore == null) {
    const missing = [constant, informed].filter((m) => m?.meanScore == null).map((m) => m?.name ?? 'a reference model');
    return { check, verdict: 'WARN', message: `the scorer cannot be judged: ${missing.join(' and ')} got no score` };
  }
  const better = rules.direction === 'higher' ? informed.meanScore > constant.meanScore : informed.meanScore < constant.meanScore;
  const figures = `informed ${formatScore(informed.meanScore)}, constant ${formatScore(constant.meanScore)}, ${rules.direction} is better`;
  if (nearlyEqual(informed.meanScore, constant.meanScore)) return { check, verdict: 'WARN', message: `the scorer cannot separate the informed reference model from the constant one: equal mean scores (${figures})` };
  if (!better) return { check, verdict: 'WARN', message: `the scorer ranks the constant reference model above the informed one (${figures})` };
  return { check, verdict: 'PASS', message: `the informed reference model beats the constant one (${figures})` };
}

function payloadSizes(models: readonly ModelResult[], maxBytes: number): CheckFinding[] {
  const check = 'payload size';
  const near = models.filter((m) => m.largestPayloadBytes !== null && m.largestPayloadBytes > PAYLOAD_WARN_SHARE * maxBytes);
  const warnings = near.map(
    (m): CheckFinding => ({
      check,
      verdict: 'WARN',
      message: `model ${label(m)}'s largest payload is ${m.largestPayloadBytes} bytes, ${Math.round((100 * m.largestPayloadBytes!) / maxBytes)}% of model.maxPredictionBytes (${maxBytes})`,
    }),
  );
  if (warnings.length > 0) return warnings;
  const largest = Math.max(0, ...models.map((m) => m.largestPayloadBytes ?? 0));
  return [{ check, verdict: 'PASS', message: `largest payload ${largest} bytes, ${((100 * largest) / maxBytes).toFixed(1)}% of model.maxPredictionBytes (${maxBytes})` }];
}

function label(m: ModelResult): string {
  return m.name && m.name !== m.id ? `${m.name} (${m.id})` : m.id;
}

/** A reason's first line (a model's error may carry its require stack): each finding is one line. */
function firstLine(text: string): string {
  return text.split('\n')[0];
}

/** Equal up to floating-point noise of a mean. */
function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

export function formatScore(value: number | null): string {
  if (value === null) return '-';
  if (value === 0) return '0';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6 ? value.toPrecision(6) : value.toExponential(4);
}
