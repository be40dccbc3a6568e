import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../config/config-error';
import { Env, readOptionalString } from '../config/env';
import { AccessTier } from './access-tier';

export const ACCESS_TIERS: readonly AccessTier[] = ['read', 'admin'];

/** One configured API key: its id (shown in the audit trail), its tier and the sha256 of its secret. */
export interface ApiKeyEntry {
  id: string;
  tier: AccessTier;
  /** sha256 of the secret, 32 bytes; the secret itself is never configured. */
  sha256: Buffer;
}

/** Ids appear in the audit trail and in log lines: short, no separators or spaces. */
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const SHA256_HEX_PATTERN = /^[0-9a-fA-F]{64}$/;

/**
 * The keys of API_KEYS_FILE (one `id:tier:sha256-hex` a line; `#` comments and blank lines
 * allowed) and of API_KEYS (the same entries, comma-separated), in that order. Any entry that
 * does not parse, a duplicate id or a secret configured twice throws a ConfigError naming the
 * variable and the file line or entry number. Reads the file (once, at start).
 *
 * @example
 *   readApiKeys({ API_KEYS: 'ops:admin:' + 'ab'.repeat(32) });
 *   // [{ id: 'ops', tier: 'admin', sha256: <Buffer ab ab ...> }]
 */
export function readApiKeys(env: Env): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  const places = new Map<string, string>();
  const add = (variable: string, place: string, text: string) => {
    const entry = parseApiKeyEntry(text, (problem) => new ConfigError(variable, `${place}: ${problem}`));
    const idSeen = places.get(`id:${entry.id}`);
    if (idSeen) throw new ConfigError(variable, `${place}: key id "${entry.id}" is already used by ${idSeen}`);
    const hash = entry.sha256.toString('hex');
    const hashSeen = places.get(`hash:${hash}`);
    if (hashSeen) throw new ConfigError(variable, `${place}: the same secret is already configured by ${hashSeen}`);
    places.set(`id:${entry.id}`, place);
    places.set(`hash:${hash}`, place);
    entries.push(entry);
  };

  const file = readOptionalString(env, 'API_KEYS_FILE');
  if (file !== undefined) {
    const resolved = path.resolve(file);
    linesOf(resolved).forEach((line, index) => {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) return;
      add('API_KEYS_FILE', `${resolved} line ${index + 1}`, text);
    });
  }
  const list = readOptionalString(env, 'API_KEYS');
  if (list !== undefined) {
    list.split(',').forEach((item, index) => {
      const text = item.trim();
      if (text === '') throw new ConfigError('API_KEYS', `entry ${index + 1} is empty (entries are id:tier:sha256-hex, separated by commas)`);
      add('API_KEYS', `entry ${index + 1}`, text);
    });
  }
  return entries;
}

/** Parses `id:tier:sha256-hex`; the message of a bad entry names the part at fault, never echoing the hash. */
export function parseApiKeyEntry(text: string, fail: (problem: string) => Error): ApiKeyEntry {
  const parts = text.split(':').map((part) => part.trim());
  if (parts.length !== 3) throw fail(`expected id:tier:sha256-hex, got ${parts.length} part${parts.length === 1 ? '' : 's'}`);
  const [id, tier, hash] = parts;
  if (!KEY_ID_PATTERN.test(id)) throw fail(`key id "${id.slice(0, 64)}" must be 1-64 letters, digits, dots, underscores or hyphens`);
  if (!(ACCESS_TIERS as readonly string[]).includes(tier)) throw fail(`tier "${tier.slice(0, 32)}" of key "${id}" must be one of ${ACCESS_TIERS.join(', ')}`);
  if (!SHA256_HEX_PATTERN.test(hash)) throw fail(`the hash of key "${id}" must be 64 hexadecimal digits (sha256 of the secret), got ${hash.length} characters`);
  return { id, tier: tier as AccessTier, sha256: Buffer.from(hash, 'hex') };
}

function linesOf(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError('API_KEYS_FILE', `${file} cannot be read (${e.code ?? e.message})`);
  }
}
