/**
 * Reads the options a competition file gives a plug-in (a scorer, a reward function) with
 * defaults, throwing the plug-in's own error, which names the bad key. Subclasses bind the error.
 *
 * @example
 *   class MyOptionsReader extends PluginOptionsReader {
 *     constructor(options: Record<string, unknown>) {
 *       super('scorer', options, (key, problem) => new ScorerOptionsError('mine', key, problem));
 *     }
 *   }
 *   new MyOptionsReader({ floor: -20 }).number('floor', -10); // -20
 */
export class PluginOptionsReader {
  constructor(
    /** What the plug-in is called in messages ("scorer", "reward function"). */
    private readonly kind: string,
    protected readonly options: Record<string, unknown>,
    private readonly makeError: (key: string, problem: string) => Error,
  ) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw makeError('(options)', 'must be an object');
  }

  raw(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.options, key) ? this.options[key] : undefined;
  }

  /** A finite number in [min, max] (integer when asked), or the default when absent. */
  number(key: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.error(key, 'must be a finite number');
    if (range.integer && !Number.isInteger(value)) throw this.error(key, 'must be an integer');
    if (range.min !== undefined && value < range.min) throw this.error(key, `must be >= ${range.min}`);
    if (range.max !== undefined && value > range.max) throw this.error(key, `must be <= ${range.max}`);
    return value;
  }

  /** One of the allowed strings, or the default when absent. */
  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw this.error(key, `must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  /** Rejects keys the plug-in does not know (a typo would otherwise silently use a default). */
  onlyKeys(known: readonly string[]): void {
    for (const key of Object.keys(this.options)) {
      if (!known.includes(key)) throw this.error(key, `is not an option of this ${this.kind} (known: ${known.join(', ') || 'none'})`);
    }
  }

  error(key: string, problem: string): Error {
    return this.makeError(key, problem);
  }
}
