import * as path from 'node:path';
import { bootstrapConfiguration } from '../../src/bootstrap/bootstrap-configuration';
import { parseCompetitionDefinition } from '../../src/config/competition/competition.loader';
import { ConfigError } from '../../src/config/config-error';
import { parse } from 'yaml';
import * as fs from 'node:fs';

const ROOT = path.resolve(__dirname, '../..');
const SYNTH_DEMO = path.join(ROOT, 'competitions/synth-demo.yaml');

function localModelsConfig(env: Record<string, string>): string {
  const { fleet } = bootstrapConfiguration(env);
  if (fleet.kind !== 'local') throw new Error('expected the local orchestrator');
  return fleet.orchestrator.modelsConfigPath;
}

describe("a competition file's `models` (the local orchestrator's default models file)", () => {
  it('makes COMPETITION_FILE=competitions/synth-demo.yaml alone host the Synth demo models', () => {
    expect(localModelsConfig({ COMPETITION_FILE: SYNTH_DEMO })).toBe(path.join(ROOT, 'deployment/models-synth.yaml'));
  });

  it('yields to LOCAL_ORCHESTRATOR_MODELS_CONFIG, and leaves the default for a competition without it', () => {
    expect(localModelsConfig({ COMPETITION_FILE: SYNTH_DEMO, LOCAL_ORCHESTRATOR_MODELS_CONFIG: 'deployment/models.yaml' })).toBe('deployment/models.yaml');
    expect(localModelsConfig({ COMPETITION_FILE: path.join(ROOT, 'competitions/demo.yaml') })).toBe('deployment/models.yaml');
  });

  it('refuses a models file that does not exist, naming the key', () => {
    const doc = parse(fs.readFileSync(SYNTH_DEMO, 'utf8'));
    doc.models = 'nowhere.yaml';
    let error: unknown;
    try {
      parseCompetitionDefinition(doc, SYNTH_DEMO);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('models');
    expect((error as Error).message).toContain('no such models file: nowhere.yaml');
  });
});
