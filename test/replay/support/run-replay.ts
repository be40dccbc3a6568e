import * as path from 'node:path';
import { run } from '../../../src/replay/cli/replay.command';

export const ROOT = path.resolve(__dirname, '../../..');
export const FIXTURES = path.resolve(__dirname, '../fixtures');
export const DEMO = path.join(ROOT, 'competitions/demo.yaml');
export const VARIANT = path.join(FIXTURES, 'demo-variant.yaml');
export const MODELS = path.join(FIXTURES, 'models.yaml');
export const DEMO_PRICES = path.join(ROOT, 'examples/prices/demo-5s.csv');

export interface ReplayRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `coordinator-node replay ARGS` in this process (the command's own entry point), collecting its output. */
export async function runReplay(args: string[], env: Record<string, string | undefined> = {}): Promise<ReplayRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: ROOT, env: { ...env } });
  return { code, stdout, stderr };
}
