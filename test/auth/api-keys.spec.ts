import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiKeyRing, tierMeets } from '../../src/auth/api-key-ring';
import { readApiKeys } from '../../src/auth/api-keys';
import { callerOf, presentedSecret } from '../../src/auth/caller';
import { loadAppConfig } from '../../src/config/app-config';
import { ConfigError } from '../../src/config/config-error';
import { TEST_ADMIN_SECRET, TEST_API_KEYS, TEST_READ_SECRET } from '../support/api-keys';

const sha256 = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-api-keys-'));

function keyFile(text: string): string {
  const file = path.join(work, `keys-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(file, text);
  return file;
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('API keys from API_KEYS_FILE and API_KEYS', () => {
  it('reads id:tier:sha256 lines, skipping comments and blank lines, then the API_KEYS entries', () => {
    const file = keyFile(`# organisers\n\nops:admin:${sha256('one')}\n  # a viewer\nviewer:read:${sha256('two').toUpperCase()}\r\n`);
    const keys = readApiKeys({ API_KEYS_FILE: file, API_KEYS: ` bot:read:${sha256('three')} ` });
    expect(keys.map((k) => [k.id, k.tier, k.sha256.toString('hex')])).toEqual([
      ['ops', 'admin', sha256('one')],
      ['viewer', 'read', sha256('two')],
      ['bot', 'read', sha256('three')],
    ]);
  });

  it('has no keys when neither variable is set', () => {
    expect(readApiKeys({})).toEqual([]);
  });

  it.each([
    ['a bad tier', `ops:root:${sha256('x')}`, 'line 3: tier "root" of key "ops" must be one of read, admin'],
    ['a hash that is not 64 hex digits', 'ops:admin:abc123', 'line 3: the hash of key "ops" must be 64 hexadecimal digits (sha256 of the secret), got 6 characters'],
    ['a missing part', `ops:${sha256('x')}`, 'line 3: expected id:tier:sha256-hex, got 2 parts'],
    ['an id with a space', `o ps:admin:${sha256('x')}`, 'line 3: key id "o ps" must be'],
  ])('stops the start on %s, naming the file and its line number', (_name, line, message) => {
    const file = keyFile(`# keys\nok:read:${sha256('ok')}\n${line}\n`);
    const err = configErrorOf(() => loadAppConfig({ API_KEYS_FILE: file }));
    expect(err.key).toBe('API_KEYS_FILE');
    expect(err.message).toContain(`API_KEYS_FILE: ${file} ${message}`);
  });

  it('never echoes a hash in its message', () => {
    const hash = sha256('x').slice(0, 63);
    const err = configErrorOf(() => readApiKeys({ API_KEYS: `ops:admin:${hash}` }));
    expect(err.message).not.toContain(hash);
  });

  it('refuses a duplicate id and a secret configured twice, naming where each was first', () => {
    const file = keyFile(`ops:admin:${sha256('one')}\nops:read:${sha256('two')}\n`);
    expect(configErrorOf(() => readApiKeys({ API_KEYS_FILE: file })).message).toBe(`API_KEYS_FILE: ${file} line 2: key id "ops" is already used by ${file} line 1`);
    const sameSecret = configErrorOf(() => readApiKeys({ API_KEYS_FILE: keyFile(`ops:admin:${sha256('one')}\n`), API_KEYS: `bot:read:${sha256('one')}` }));
    expect(sameSecret.key).toBe('API_KEYS');
    expect(sameSecret.message).toMatch(/^API_KEYS: entry 1: the same secret is already configured by .* line 1$/);
  });

  it('names the entry of a bad API_KEYS item, an empty one included', () => {
    expect(configErrorOf(() => readApiKeys({ API_KEYS: `ops:admin:${sha256('a')},bot:writer:${sha256('b')}` })).message).toBe(
      'API_KEYS: entry 2: tier "writer" of key "bot" must be one of read, admin',
    );
    expect(configErrorOf(() => readApiKeys({ API_KEYS: `ops:admin:${sha256('a')},,` })).message).toMatch(/^API_KEYS: entry 2 is empty/);
  });

  it('stops the start when the key file cannot be read', () => {
    const missing = path.join(work, 'no-such-file');
    expect(configErrorOf(() => loadAppConfig({ API_KEYS_FILE: missing })).message).toBe(`API_KEYS_FILE: ${missing} cannot be read (ENOENT)`);
  });
});

describe('ApiKeyRing', () => {
  const ring = new ApiKeyRing(loadAppConfig({ API_KEYS: TEST_API_KEYS }).apiKeys);

  it('names the key of a secret, and nothing for an unknown one', () => {
    expect(ring.identify(TEST_ADMIN_SECRET)).toEqual({ id: 'test-admin', tier: 'admin' });
    expect(ring.identify(TEST_READ_SECRET)).toEqual({ id: 'test-read', tier: 'read' });
    expect(ring.identify(`${TEST_ADMIN_SECRET} `)).toBeUndefined();
    expect(ring.identify('')).toBeUndefined();
  });

  it('compares the secret with every configured hash in constant time, whichever matches', () => {
    // The module object itself (an `import * as` is a copy under esModuleInterop).
    const nodeCrypto = require('node:crypto') as typeof crypto;
    const compare = jest.spyOn(nodeCrypto, 'timingSafeEqual');
    try {
      for (const secret of [TEST_ADMIN_SECRET, TEST_READ_SECRET, 'no such key']) {
        compare.mockClear();
        ring.identify(secret);
        // Two keys configured: two comparisons, even when the first one matched.
        expect(compare).toHaveBeenCalledTimes(2);
        for (const [a, b] of compare.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
      }
    } finally {
      compare.mockRestore();
    }
  });

  it('lets an admin key pass read routes, never the reverse', () => {
    expect([tierMeets('admin', 'read'), tierMeets('admin', 'admin'), tierMeets('read', 'read'), tierMeets('read', 'admin')]).toEqual([true, true, true, false]);
  });
});

describe('the secret a request presents', () => {
  it('is the X-API-Key header, else an Authorization bearer token', () => {
    expect(presentedSecret({ 'x-api-key': ' s1 ' })).toBe('s1');
    expect(presentedSecret({ authorization: 'Bearer s2' })).toBe('s2');
    expect(presentedSecret({ authorization: 'bearer   s3' })).toBe('s3');
    expect(presentedSecret({ 'x-api-key': 's1', authorization: 'Bearer s2' })).toBe('s1');
    expect(presentedSecret({ authorization: 'Basic czE6czI=' })).toBeUndefined();
    expect(presentedSecret({ authorization: 'Bearer' })).toBeUndefined();
    expect(presentedSecret({ 'x-api-key': '' })).toBeUndefined();
    expect(presentedSecret({})).toBeUndefined();
  });

  it('is hashed once per request, however many guards ask', () => {
    const ring = new ApiKeyRing(loadAppConfig({ API_KEYS: TEST_API_KEYS }).apiKeys);
    const identify = jest.spyOn(ring, 'identify');
    const req = { headers: { 'x-api-key': TEST_READ_SECRET } };
    expect(callerOf(req, ring)).toEqual({ kind: 'key', identity: { id: 'test-read', tier: 'read' } });
    expect(callerOf(req, ring)).toEqual({ kind: 'key', identity: { id: 'test-read', tier: 'read' } });
    expect(identify).toHaveBeenCalledTimes(1);
    expect(callerOf({ headers: { 'x-api-key': 'nope' } }, ring)).toEqual({ kind: 'unknown-key' });
    expect(callerOf({ headers: {} }, ring)).toEqual({ kind: 'anonymous' });
  });
});
