import { loadAppConfig } from '../../src/config/app-config';
import { ConfigError } from '../../src/config/config-error';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('environment configuration', () => {
  it('defaults PORT to 8000 and uses the embedded database when DATABASE_URL is unset', () => {
    const config = loadAppConfig({});
    expect(config.port).toBe(8000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.roles).toEqual(['predict', 'score', 'report']);
  });

  it('reads ROLES as a list of pipeline stages', () => {
    expect(loadAppConfig({ ROLES: 'report' }).roles).toEqual(['report']);
    expect(loadAppConfig({ ROLES: ' predict , score ' }).roles).toEqual(['predict', 'score']);
    expect(loadAppConfig({ ROLES: 'score,score' }).roles).toEqual(['score']);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT', /integer/],
    [{ PORT: '70000' }, 'PORT', /<= 65535/],
    [{ PORT: '0' }, 'PORT', />= 1/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL', /postgres/],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /not a valid URL/],
    [{ ROLES: 'predict,cook' }, 'ROLES', /cook/],
    [{ ROLES: ',' }, 'ROLES', /empty role/],
    [{ ROLES: '' }, 'ROLES', /empty role/],
    [{ ROLES: ' ' }, 'ROLES', /empty role/],
    [{ ROLES: 'predict,,score' }, 'ROLES', /empty role/],
    [{ SCHEDULES_ENABLED: 'maybe' }, 'SCHEDULES_ENABLED', /true or false/],
    [{ SHUTDOWN_TIMEOUT_MS: '5' }, 'SHUTDOWN_TIMEOUT_MS', />= 100/],
  ])('rejects %j naming the variable', (env, variable, problem) => {
    const err = errorOf(() => loadAppConfig(env));
    expect(err.key).toBe(variable);
    expect(err.message).toMatch(new RegExp(`^${variable}: `));
    expect(err.message).toMatch(problem);
  });

  it('never echoes the database URL (it may hold a password) in its error', () => {
    const err = errorOf(() => loadAppConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' }));
    expect(err.message).not.toContain('hunter2');
  });
});
