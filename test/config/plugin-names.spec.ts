import * as path from 'node:path';
import { Injectable, Module } from '@nestjs/common';
import { bootstrapConfiguration } from '../../src/bootstrap/bootstrap-configuration';
import { checkPluginNames, pluginNames } from '../../src/bootstrap/plugin-names';
import { ConfigError } from '../../src/config/config-error';
import { FeedAdapter } from '../../src/data-source/feed-adapter.decorator';
import type { Feed, FeedAdapterProvider } from '../../src/data-source/feed';
import { HitRateModule } from '../fixtures/extensions/hit-rate.module';

const ROOT = path.resolve(__dirname, '../..');
const DEMO = path.join(ROOT, 'competitions/demo.yaml');

@FeedAdapter('team-feed')
@Injectable()
class TeamFeedAdapter implements FeedAdapterProvider {
  create(): Feed {
    throw new Error('not built in this test');
  }
}

@Module({ providers: [{ provide: 'feed', useClass: TeamFeedAdapter }] })
class TeamFeedModule {}

@Module({ imports: [TeamFeedModule, HitRateModule] })
class TeamModule {}

function keyOf(env: Record<string, string>, extensions: unknown[] = []): string {
  const boot = bootstrapConfiguration({ COMPETITION_FILE: DEMO, ...env });
  try {
    checkPluginNames({ ...boot, extensions: extensions as never }, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.key;
    throw err;
  }
  return '(accepted)';
}

describe('plug-in names known before the app starts', () => {
  it('holds the built-ins and what extension modules declare, through their imports and useClass providers', () => {
    const names = pluginNames([TeamModule]);
    expect([...names.scorers]).toEqual(expect.arrayContaining(['density-pdf', 'synth-crps', 'hit-rate']));
    expect([...names.feedAdapters]).toEqual(expect.arrayContaining(['synthetic', 'pyth', 'team-feed']));
  });

  it('accepts the demo, and an extension adapter chosen by FEED_ADAPTER', () => {
    expect(keyOf({})).toBe('(accepted)');
    expect(keyOf({ FEED_ADAPTER: 'team-feed' }, [TeamModule])).toBe('(accepted)');
  });

  it.each([
    ['an unknown adapter from FEED_ADAPTER', { FEED_ADAPTER: 'nope' }, 'FEED_ADAPTER'],
    ['an option the built-in adapter does not know, from FEED_OPTIONS', { FEED_OPTIONS: '{"nope":1}' }, 'FEED_OPTIONS'],
  ])('rejects %s, naming it', (_what, env, key) => {
    expect(keyOf(env)).toBe(key);
  });

  it('skips the checks on a report-only instance, which runs neither a scorer nor a feed', () => {
    expect(keyOf({ ROLES: 'report', FEED_ADAPTER: 'nope' })).toBe('(accepted)');
  });
});
