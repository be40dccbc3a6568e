import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { run } from '../../../src/cli/check/check.command';
import type { CheckReport } from '../../../src/cli/check/check-report';

export const ROOT = path.resolve(__dirname, '../../..');
export const DEMO = path.join(ROOT, 'competitions/demo.yaml');

export interface CheckRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `coordinator-node check ARGS` in this process (the command's own entry point), collecting its output. */
export async function runCheck(args: string[], cwd = ROOT, env: Record<string, string | undefined> = {}): Promise<CheckRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: { ...env } });
  return { code, stdout, stderr };
}

/** The `--json` report of a run. */
export function reportOf(result: CheckRun): CheckReport {
  return JSON.parse(result.stdout) as CheckReport;
}

/** The WARN messages of a report. */
export function warnings(report: CheckReport): string[] {
  return report.checks.filter((c) => c.verdict === 'WARN').map((c) => `${c.check}: ${c.message}`);
}

export { temporaryDir } from './init-runner';

/** A copy of the demo competition in `dir`, with `change` applied to its parsed document. */
export function demoVariant(dir: string, change: (doc: Record<string, any>) => void): string {
  const doc = parse(fs.readFileSync(DEMO, 'utf8')) as Record<string, any>;
  change(doc);
  const file = path.join(dir, 'competition.yaml');
  fs.writeFileSync(file, stringify(doc));
  return file;
}

/** A JavaScript model of the demo's interface in `dir/name` whose predict answers `specJs` (a JS expression) for every step. */
export function fixedAnswerModel(dir: string, name: string, specJs: string): string {
  const codeDir = path.join(dir, name);
  fs.mkdirSync(codeDir, { recursive: true });
  fs.writeFileSync(
    path.join(codeDir, 'index.js'),
    `'use strict';
const { TrackerBase } = require('condorgame/tracker');
class FixedAnswer extends TrackerBase {
  predict(asset, horizon, step) {
    return Array.from({ length: horizon / step }, () => (${specJs}));
  }
}
module.exports = { FixedAnswer };
`,
  );
  return codeDir;
}

/** A models file in `dir` hosting the given code folders as JavaScript models (ids m1, m2, ...). */
export function modelsFile(dir: string, models: Array<{ name: string; codeDir: string }>): string {
  const file = path.join(dir, 'models.yaml');
  const entries = models.map((m, i) => ({
    id: `m${i + 1}`,
    name: m.name,
    cruncher_id: `team-${i + 1}`,
    cruncher_name: `team-${i + 1}`,
    desired_state: 'RUNNING',
    code_path: m.codeDir,
    language: 'javascript',
  }));
  fs.writeFileSync(file, stringify({ models: entries }));
  return file;
}
