import { ScorerOptionsError } from './scorer.errors';

/**
 * Reads a scorer's options with defaults, throwing ScorerOptionsError naming the bad key.
 *
 * @example
 *   const read = new ScorerOptionsReader('density-log-likelihood', options);
 *   const floor = read.number('floor', -20);
 */
export class ScorerOptionsReader {
  constructor(
    private readonly scorer: string,
    private readonly options: Record<string, unknown>,
  ) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new ScorerOptionsError(scorer, '(options)', 'must be an object');
    }
  }

  private raw(key: string): unknown {
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

  /** A map of finite positive numbers (e.g. per-asset scales), or the default when absent. */
  positiveNumberMap(key: string, fallback: Readonly<Record<string, number>>): ReadonlyMap<string, number> {
    const value = this.raw(key);
    const source = value === undefined ? fallback : value;
    if (typeof source !== 'object' || source === null || Array.isArray(source)) throw this.error(key, 'must be an object');
    const map = new Map<string, number>();
    for (const [entryKey, entry] of Object.entries(source)) {
      if (typeof entry !== 'number' || !Number.isFinite(entry) || entry <= 0) {
        throw this.error(key, `entry "${entryKey.slice(0, 32)}" must be a finite number > 0`);
      }
      map.set(entryKey, entry);
    }
    return map;
  }

  /** Rejects keys the scorer does not know (a typo would otherwise silently use a default). */
  onlyKeys(known: readonly string[]): void {
    for (const key of Object.keys(this.options)) {
      if (!known.includes(key)) throw this.error(key, `is not an option of this scorer (known: ${known.join(', ') || 'none'})`);
    }
  }

  private error(key: string, detail: string): ScorerOptionsError {
    return new ScorerOptionsError(this.scorer, key, detail);
  }
}

/**
 * Parses options once per options object (competition options are long-lived objects), so a
 * scorer does not re-read them for every prediction.
 */
export function memoizeOptions<T>(parse: (options: Record<string, unknown>) => T): (options: Record<string, unknown>) => T {
  const cache = new WeakMap<object, T>();
  return (options) => {
    if (typeof options !== 'object' || options === null) return parse(options);
    let parsed = cache.get(options);
    if (parsed === undefined) {
      parsed = parse(options);
      cache.set(options, parsed);
    }
    return parsed;
  };
}
