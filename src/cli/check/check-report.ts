import { alignedTable } from '../../replay/outputs/leaderboard-text';
import { CheckFinding, formatScore } from './check-findings';
import type { CheckResults } from './check-results';

/** Everything `check` reports, as printed (text) or written (`--json`). */
export interface CheckReport {
  competition: { id: string; file: string };
  modelsFile: string;
  /** The simulated range the check ran (ISO 8601) and how long it took on the wall clock. */
  run: { from: string; to: string; simulatedSeconds: number; wallSeconds: number };
  /** A tournament's check: the rounds opened with synthetic inputs and resolved with synthetic truths (no simulated prices). */
  tournamentRounds?: number;
  configs: CheckResults['configs'];
  models: CheckResults['models'];
  checks: CheckFinding[];
  /** 0 every check passed or was skipped, 2 a warning. */
  exitCode: 0 | 2;
}

/** The report as the terminal shows it: the run, per config, per model, then the checks. */
export function checkReportText(report: CheckReport): string {
  const { run } = report;
  const configs = alignedTable(
    ['config', 'rounds', 'scored predictions'],
    report.configs.map((c) => [c.config, String(c.rounds), String(c.scoredPredictions)]),
    [false, true, true],
  );
  const models = alignedTable(
    ['model', 'role', 'statuses', 'scored', 'mean score', 'largest payload'],
    report.models.map((m) => [
      m.name && m.name !== m.id ? `${m.name} (${m.id})` : m.id,
      m.role,
      m.notRunning !== null ? 'did not start' : Object.entries(m.statuses).map(([s, n]) => `${s} ${n}`).join(', ') || '-',
      String(m.scoredPredictions),
      formatScore(m.meanScore),
      m.largestPayloadBytes === null ? '-' : `${m.largestPayloadBytes} B`,
    ]),
    [false, false, false, true, true, true],
  );
  const checks = report.checks.map((c) => `${c.verdict.padEnd(4)}  ${c.check}: ${c.message}`).join('\n');
  const warnings = report.checks.filter((c) => c.verdict === 'WARN').length;
  return [
    `check of ${report.competition.id} (${report.competition.file}) with the models of ${report.modelsFile}`,
    report.tournamentRounds !== undefined
      ? `${report.tournamentRounds} tournament round(s) of synthetic inputs, resolved with synthetic truths, in ${run.wallSeconds.toFixed(1)} s`
      : `${run.simulatedSeconds} simulated seconds of synthetic prices (${run.from} to ${run.to}) in ${run.wallSeconds.toFixed(1)} s`,
    '',
    configs,
    models,
    checks,
    '',
    warnings === 0 ? 'all checks passed' : `${warnings} warning(s): the game may be degenerate`,
    '',
  ].join('\n');
}
