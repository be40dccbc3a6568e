import { ConfigError } from './config-error';

/**
 * Readers for environment variables: each validates and names the variable in its error.
 *
 * @example
 *   const port = readInt(env, 'PORT', { default: 8000, min: 1, max: 65535 });
 */
export type Env = Record<string, string | undefined>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function readString(env: Env, name: string, opts: { default?: string; required?: boolean; pattern?: RegExp; hint?: string } = {}): string {
  const value = raw(env, name) ?? opts.default;
  if (value === undefined) throw new ConfigError(name, 'is required but not set');
  if (opts.pattern && !opts.pattern.test(value)) throw new ConfigError(name, `"${value}" is not valid${opts.hint ? ` (${opts.hint})` : ''}`);
  return value;
}

export function readOptionalString(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export function readInt(env: Env, name: string, opts: { default: number; min?: number; max?: number }): number {
  const value = raw(env, name);
  if (value === undefined) return opts.default;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be an integer, got "${value}"`);
  const n = Number(value);
  if (opts.min !== undefined && n < opts.min) throw new ConfigError(name, `must be >= ${opts.min}, got ${n}`);
  if (opts.max !== undefined && n > opts.max) throw new ConfigError(name, `must be <= ${opts.max}, got ${n}`);
  return n;
}

export function readNumber(env: Env, name: string, opts: { default: number; min?: number; max?: number }): number {
  const value = raw(env, name);
  if (value === undefined) return opts.default;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ConfigError(name, `must be a number, got "${value}"`);
  if (opts.min !== undefined && n < opts.min) throw new ConfigError(name, `must be >= ${opts.min}, got ${n}`);
  if (opts.max !== undefined && n > opts.max) throw new ConfigError(name, `must be <= ${opts.max}, got ${n}`);
  return n;
}

export function readBool(env: Env, name: string, opts: { default: boolean }): boolean {
  const value = raw(env, name);
  if (value === undefined) return opts.default;
  const lower = value.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], opts: { default: T }): T {
  const value = raw(env, name);
  if (value === undefined) return opts.default;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

export function readList<T extends string>(env: Env, name: string, opts: { default: T[]; allowed?: readonly T[] }): T[] {
  const value = raw(env, name);
  if (value === undefined) return opts.default;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (opts.allowed) {
    const bad = items.filter((i) => !(opts.allowed as readonly string[]).includes(i));
    if (bad.length) throw new ConfigError(name, `unknown value(s) ${bad.join(', ')}; allowed: ${opts.allowed.join(', ')}`);
  }
  return items as T[];
}

export function readUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${url.protocol}`);
  return value;
}
