import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { readModelsConfig } from '../../../src/local-orchestrator/config/models-config-file';

const MODELS = resolve(__dirname, '..', '..', '..', 'deployment');

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'models-config-')), 'models.yaml');
  writeFileSync(path, text);
  return path;
}

describe('models config file', () => {
  it('reads the shipped deployment/models.yaml: three baselines, relative paths resolved', () => {
    const { entries, problems } = readModelsConfig(join(MODELS, 'models.yaml'));
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.id, e.language, e.isolation])).toEqual([
      ['1', 'javascript', 'process'],
      ['2', 'javascript', 'process'],
      ['3', 'python', 'process'],
    ]);
    expect(entries[2].codePath).toBe(join(MODELS, 'models', 'normal-mixture'));
  });

  it('fills entries from defaults and skips invalid entries with their key and reason', () => {
    const path = configFile(`
defaults: { language: javascript, isolation: inline, code_path: ${MODELS}/models/gaussian-ewma }
models:
  - { id: 7, cruncher_id: c7 }
  - { id: "8" }
  - { id: "9", cruncher_id: c9, language: python }
  - { id: "7", cruncher_id: again }
  - { id: "bad/id", cruncher_id: c }
  - { id: "10", cruncher_id: c10, desired_state: PAUSED }
`);
    const { entries, problems } = readModelsConfig(path);
    expect(entries.map((e) => e.id)).toEqual(['7']);
    expect(entries[0]).toMatchObject({ name: '7', desiredState: 'RUNNING', hotkey: null, walletPubkey: '', isolation: 'inline' });
    expect(problems.map((p) => p.message)).toEqual([
      'models config entry models[1] (id 8): cruncher_id is required',
      'models config entry models[2] (id 9): python models always run in their own process (isolation: inline is JS only)',
      'models config entry models[3] (id 7): id 7 appears more than once',
      `models config entry models[4] (id bad/id): id "bad/id" may hold only letters, digits, '_', '.', '-'`,
      'models config entry models[5] (id 10): desired_state must be one of RUNNING|STOPPED, got "PAUSED"',
    ]);
  });

  it('reports a file that is not YAML with its path', () => {
    const path = configFile('models: [ {id: ');
    expect(() => readModelsConfig(path)).toThrow(new RegExp(`models config ${path}: `));
  });
});
