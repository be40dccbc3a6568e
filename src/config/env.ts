import { ConfigError } from './config-error';

/**
 * Readers for environment variables, used by every module that reads one: each validates and
 * throws a ConfigError naming the variable. An empty or blank value counts as unset.
 *
 * @example
 *   const port = readInt(env, 'PORT', { default: 8000, min: 1, max: 65535 });
 *   const rescanMs = readDurationMs(env, 'LOCAL_ORCHESTRATOR_RESCAN_MS', { default: 5000 });
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

export interface IntegerBounds {
  min?: number;
  max?: number;
}

/** An integer within `min`..`max`; without a default, undefined when unset. */
export function readInt(env: Env, name: string, opts: IntegerBounds & { default: number }): number;
export function readInt(env: Env, name: string, opts?: IntegerBounds): number | undefined;
export function readInt(env: Env, name: string, opts: IntegerBounds & { default?: number } = {}): number | undefined {
  const value = raw(env, name);
  if (value === undefined) return opts.default;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be an integer, got "${value}"`);
  const n = Number(value);
  if (opts.min !== undefined && n < opts.min) throw new ConfigError(name, `must be an integer >= ${opts.min}, got ${n}`);
  if (opts.max !== undefined && n > opts.max) throw new ConfigError(name, `must be an integer <= ${opts.max}, got ${n}`);
  return n;
}

/** A TCP port, 1..65535; `ephemeral: true` also accepts 0 (any free port). */
export function readPort(env: Env, name: string, opts: { default: number; ephemeral?: boolean }): number;
export function readPort(env: Env, name: string, opts?: { ephemeral?: boolean }): number | undefined;
export function readPort(env: Env, name: string, opts: { default?: number; ephemeral?: boolean } = {}): number | undefined {
  const value = raw(env, name);
  if (value === undefined) return opts.default;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= (opts.ephemeral ? 0 : 1) && n <= 65535)) throw new ConfigError(name, `"${value}" is not a valid port number`);
  return n;
}

/** Longest delay a Node timer holds (2^31-1 ms, about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** A duration in whole milliseconds (default min 0), at most what a timer can wait. */
export function readDurationMs(env: Env, name: string, opts: IntegerBounds & { default: number }): number;
export function readDurationMs(env: Env, name: string, opts?: IntegerBounds): number | undefined;
export function readDurationMs(env: Env, name: string, opts: IntegerBounds & { default?: number } = {}): number | undefined {
  return readInt(env, name, { min: 0, max: MAX_TIMER_MS, ...opts });
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
