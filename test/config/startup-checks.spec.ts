import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFailureLine } from '../../src/bootstrap/start-failure';
import { checkListenAddress, checkWritableDirectory } from '../../src/bootstrap/startup-checks';
import { ConfigError } from '../../src/config/config-error';
import { createDirectories } from '../../src/database/data-dir-lock';
import { DatabaseConnectError } from '../../src/database/database-connect-error';

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.key;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('start-up checks that need I/O', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-startup-checks-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('creates nested folders, and refuses a folder under /proc at once instead of spinning', () => {
    createDirectories(path.join(work, 'a', 'b', 'c'));
    expect(fs.statSync(path.join(work, 'a', 'b', 'c')).isDirectory()).toBe(true);
    const started = Date.now();
    expect(() => createDirectories('/proc/x/y')).toThrow(/ENOENT/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('names DATA_DIR when the folder cannot be created or is a file', () => {
    expect(keyOf(() => checkWritableDirectory('/proc/x', 'DATA_DIR'))).toBe('DATA_DIR');
    const file = path.join(work, 'a-file');
    fs.writeFileSync(file, '');
    expect(keyOf(() => checkWritableDirectory(file, 'DATA_DIR'))).toBe('DATA_DIR');
    expect(() => checkWritableDirectory(path.join(work, 'fresh'), 'DATA_DIR')).not.toThrow();
  });

  it('names PORT for a port in use and HOST for an address that is not this machine', async () => {
    const held = net.createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const port = (held.address() as net.AddressInfo).port;
    try {
      await expect(checkListenAddress(port, '127.0.0.1')).rejects.toMatchObject({ key: 'PORT' });
    } finally {
      held.close();
    }
    await expect(checkListenAddress(0, '203.0.113.7')).rejects.toMatchObject({ key: 'HOST' });
    await expect(checkListenAddress(0, '127.0.0.1')).resolves.toBeUndefined();
  });
});

describe('the line a failed start prints', () => {
  it('names the variable or key of a configuration error', () => {
    expect(startFailureLine(new ConfigError('PORT', 'must be an integer, got "x"'), false)).toBe('configuration error (environment): PORT: must be an integer, got "x"');
  });

  it('names DATABASE_URL when the configured server cannot be reached, without the password', () => {
    const line = startFailureLine(new DatabaseConnectError('127.0.0.1:5999/db', 'connect ECONNREFUSED 127.0.0.1:5999'), true);
    expect(line).toBe('configuration error (environment): DATABASE_URL: cannot connect to 127.0.0.1:5999/db: connect ECONNREFUSED 127.0.0.1:5999');
  });

  it('keeps only the first line of any other error (no stack trace)', () => {
    const err = new Error('boom\nmore detail');
    expect(startFailureLine(err, false)).toBe('cannot start: boom');
  });
});
