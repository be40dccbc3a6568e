import { FeedOptionError } from './feed.errors';

/**
 * Typed reads of an adapter's `feed.options`, each failing with a `FeedOptionError` that names
 * the key, so a wrong competition file says exactly what to fix.
 *
 * @example
 *   const o = new FeedOptions('crunchdao', options);
 *   const baseUrl = o.url('baseUrl');               // required
 *   const timeoutMs = o.number('timeoutMs', 10_000, { min: 1 });
 */
export class FeedOptions {
  constructor(
    readonly source: string,
    private readonly options: Record<string, unknown>,
  ) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new FeedOptionError(source, '(root)', 'must be an object');
    }
  }

  has(key: string): boolean {
    return this.options[key] !== undefined && this.options[key] !== null;
  }

  string(key: string, fallback?: string): string {
    const value = this.options[key];
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new FeedOptionError(this.source, key, 'is required');
    }
    if (typeof value !== 'string' || value.trim() === '') throw new FeedOptionError(this.source, key, 'must be a non-empty string');
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(key, fallback);
    if (!allowed.includes(value as T)) throw new FeedOptionError(this.source, key, `must be one of ${allowed.join(', ')} (got "${value}")`);
    return value as T;
  }

  number(key: string, fallback?: number, bounds: { min?: number; max?: number; integer?: boolean } = {}): number {
    const value = this.options[key];
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback;
      throw new FeedOptionError(this.source, key, 'is required');
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new FeedOptionError(this.source, key, 'must be a finite number');
    if (bounds.integer && !Number.isInteger(value)) throw new FeedOptionError(this.source, key, 'must be an integer');
    if (bounds.min !== undefined && value < bounds.min) throw new FeedOptionError(this.source, key, `must be >= ${bounds.min}`);
    if (bounds.max !== undefined && value > bounds.max) throw new FeedOptionError(this.source, key, `must be <= ${bounds.max}`);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.options[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') throw new FeedOptionError(this.source, key, 'must be true or false');
    return value;
  }

  /** An http(s) or ws(s) URL, without a trailing slash. */
  url(key: string, fallback?: string, protocols: string[] = ['http:', 'https:']): string {
    const value = this.string(key, fallback);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new FeedOptionError(this.source, key, `is not a valid URL`);
    }
    if (!protocols.includes(parsed.protocol)) throw new FeedOptionError(this.source, key, `must use ${protocols.join(' or ')}`);
    return value.replace(/\/+$/, '');
  }

  /** A list of non-empty strings, e.g. column names. */
  stringList(key: string, fallback: string[] = []): string[] {
    const value = this.options[key];
    if (value === undefined || value === null) return fallback;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
      throw new FeedOptionError(this.source, key, 'must be a list of non-empty strings');
    }
    return value as string[];
  }

  /** A `{name: string}` map, e.g. subject -> provider symbol. */
  stringMap(key: string): Record<string, string> {
    const value = this.options[key];
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new FeedOptionError(this.source, key, 'must be a map of names to strings');
    const out: Record<string, string> = {};
    for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
      if (typeof entry !== 'string' || entry === '') throw new FeedOptionError(this.source, `${key}.${name}`, 'must be a non-empty string');
      out[name] = entry;
    }
    return out;
  }

  /** A `{name: number}` map, e.g. subject -> start price. */
  numberMap(key: string): Record<string, number> {
    const value = this.options[key];
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new FeedOptionError(this.source, key, 'must be a map of names to numbers');
    const out: Record<string, number> = {};
    for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
      if (typeof entry !== 'number' || !Number.isFinite(entry)) throw new FeedOptionError(this.source, `${key}.${name}`, 'must be a finite number');
      out[name] = entry;
    }
    return out;
  }

  /** Fails on keys the adapter does not know, which are usually typos. */
  rejectUnknown(known: string[]): void {
    for (const key of Object.keys(this.options)) {
      if (!known.includes(key)) throw new FeedOptionError(this.source, key, `is not an option of this adapter (known: ${known.join(', ')})`);
    }
  }
}
