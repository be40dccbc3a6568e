import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { stringify } from 'yaml';

export const DEPLOYMENT_DIR = resolve(__dirname, '..', '..', '..', 'deployment');
export const BASE_CLASS = 'condorgame.tracker.TrackerBase';

export function modelDir(relative: string): string {
  return join(DEPLOYMENT_DIR, relative);
}

export interface FixtureEntry {
  id: string;
  code_path: string;
  language: 'javascript' | 'typescript' | 'python';
  isolation?: 'process' | 'inline';
  desired_state?: 'RUNNING' | 'STOPPED';
  name?: string;
  cruncher_name?: string;
  [field: string]: unknown;
}

/** Writes a models config in a fresh temporary folder and returns its path. */
export function writeModelsConfig(entries: FixtureEntry[], path?: string): string {
  const file = path ?? join(mkdtempSync(join(tmpdir(), 'local-orchestrator-')), 'models.yaml');
  const models = entries.map((entry) => ({
    name: `model-${entry.id}`,
    cruncher_id: `cruncher-${entry.id}`,
    cruncher_name: `alice-${entry.id}`,
    desired_state: 'RUNNING',
    ...entry,
  }));
  writeFileSync(file, stringify({ models }));
  return file;
}
