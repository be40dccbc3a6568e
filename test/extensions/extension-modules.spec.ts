import * as path from 'node:path';
import { Test } from '@nestjs/testing';
import { loadExtensionModules } from '../../src/extensions/extension-modules';
import { ScorersModule } from '../../src/score/scorers/scorers.module';
import { ScorerRegistry } from '../../src/score/scorers/scorer.registry';
import { ConfigError } from '../../src/config/config-error';

const ROOT = path.resolve(__dirname, '../..');

describe('extension modules (EXTENSION_MODULES)', () => {
  it('loads a team module whose custom scorer the registry then finds by name', async () => {
    const modules = loadExtensionModules('test/fixtures/extensions/hit-rate.module.ts', ROOT);
    expect(modules.map((m) => m.name)).toEqual(['HitRateModule']);
    const app = await Test.createTestingModule({ imports: [ScorersModule, ...modules] }).compile();
    await app.init();
    const registry = app.get(ScorerRegistry);
    expect(registry.score('hit-rate', { payload: [0.1, -0.2, 0.3, 0.4], truth: [1, 1, 1, -1], asset: 'BTC', horizon: 4, step: 1, options: {} })).toEqual({ ok: true, value: 0.5 });
    expect(registry.score('hit-rate', { payload: 'up', truth: [1], asset: 'BTC', horizon: 1, step: 1, options: {} })).toMatchObject({ ok: false });
    await app.close();
  });

  it('names EXTENSION_MODULES when a file cannot be loaded or exports no module', () => {
    expect(() => loadExtensionModules('nope/missing.js', ROOT)).toThrow(ConfigError);
    expect(() => loadExtensionModules('nope/missing.js', ROOT)).toThrow(/^EXTENSION_MODULES: cannot load nope\/missing.js/);
    expect(() => loadExtensionModules('test/support/summary-reporter.js', ROOT)).toThrow(/exports no Nest module/);
  });

  it('loads nothing when the variable is unset', () => {
    expect(loadExtensionModules(undefined, ROOT)).toEqual([]);
  });
});
