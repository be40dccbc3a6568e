import { ConfigError } from '../config-error';

/**
 * Walks an untrusted parsed document and reads typed values, naming the exact key path in
 * every error (e.g. `predictions[2].horizon: must be a positive integer`).
 */
export class DefinitionReader {
  constructor(
    private readonly value: unknown,
    readonly path: string,
    private readonly file: string,
  ) {}

  private fail(problem: string, at = this.path): never {
    throw new ConfigError(at || '(root)', problem, this.file);
  }

  private childPath(key: string | number): string {
    if (typeof key === 'number') return `${this.path}[${key}]`;
    return this.path ? `${this.path}.${key}` : key;
  }

  isPresent(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value)) this.fail('must be a mapping');
    return this.value as Record<string, unknown>;
  }

  /** Fails on keys the schema does not know (catches typos such as `horizion`). */
  onlyKeys(allowed: string[]): this {
    const obj = this.object();
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(`unknown key (allowed: ${allowed.join(', ')})`, this.childPath(key));
    }
    return this;
  }

  key(name: string): DefinitionReader {
    const obj = this.isPresent() ? this.object() : {};
    return new DefinitionReader(Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : undefined, this.childPath(name), this.file);
  }

  items(opts: { min?: number; max?: number } = {}): DefinitionReader[] {
    if (!Array.isArray(this.value)) this.fail('must be a list');
    const list = this.value as unknown[];
    if (opts.min !== undefined && list.length < opts.min) this.fail(`must have at least ${opts.min} item(s)`);
    if (opts.max !== undefined && list.length > opts.max) this.fail(`must have at most ${opts.max} item(s)`);
    return list.map((v, i) => new DefinitionReader(v, this.childPath(i), this.file));
  }

  string(opts: { default?: string; pattern?: RegExp; hint?: string } = {}): string {
    if (!this.isPresent()) {
      if (opts.default !== undefined) return opts.default;
      this.fail('is required');
    }
    if (typeof this.value !== 'string') this.fail(`must be a string, got ${JSON.stringify(this.value)}`);
    const s = this.value as string;
    if (opts.pattern && !opts.pattern.test(s)) this.fail(`"${s}" is not valid${opts.hint ? ` (${opts.hint})` : ''}`);
    return s;
  }

  oneOf<T extends string>(allowed: readonly T[], opts: { default?: T } = {}): T {
    const s = this.string({ default: opts.default });
    if (!(allowed as readonly string[]).includes(s)) this.fail(`must be one of ${allowed.join(', ')}, got "${s}"`);
    return s as T;
  }

  number(opts: { default?: number; min?: number; max?: number; integer?: boolean; exclusiveMin?: number } = {}): number {
    if (!this.isPresent()) {
      if (opts.default !== undefined) return opts.default;
      this.fail('is required');
    }
    const n = this.value;
    if (typeof n !== 'number' || !Number.isFinite(n)) this.fail(`must be a finite number, got ${JSON.stringify(n)}`);
    const v = n as number;
    if (opts.integer && !Number.isInteger(v)) this.fail(`must be an integer, got ${v}`);
    if (opts.min !== undefined && v < opts.min) this.fail(`must be >= ${opts.min}, got ${v}`);
    if (opts.exclusiveMin !== undefined && v <= opts.exclusiveMin) this.fail(`must be > ${opts.exclusiveMin}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) this.fail(`must be <= ${opts.max}, got ${v}`);
    return v;
  }

  boolean(opts: { default?: boolean } = {}): boolean {
    if (!this.isPresent()) {
      if (opts.default !== undefined) return opts.default;
      this.fail('is required');
    }
    if (typeof this.value !== 'boolean') this.fail(`must be true or false, got ${JSON.stringify(this.value)}`);
    return this.value as boolean;
  }

  stringList(opts: { min?: number; default?: string[] } = {}): string[] {
    if (!this.isPresent() && opts.default) return opts.default;
    return this.items({ min: opts.min }).map((r) => r.string());
  }

  /** A free-form mapping (adapter or scorer options), validated later by its owner. */
  options(): Record<string, unknown> {
    if (!this.isPresent()) return {};
    return { ...this.object() };
  }

  /** The value as parsed, unchecked (a JSON-schema `enum` item, a free-form example). */
  raw(): unknown {
    return this.value;
  }

  problem(message: string): never {
    this.fail(message);
  }
}
