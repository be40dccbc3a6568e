import { RewardOptionsError } from './reward.errors';

/**
 * Reads a reward function's options with defaults, throwing RewardOptionsError naming the bad key
 * (the reward twin of ScorerOptionsReader).
 *
 * @example
 *   const read = new RewardOptionsReader('exponential-top-k', options);
 *   const alpha = read.number('alpha', 1, { min: 0 });
 */
export class RewardOptionsReader {
  constructor(
    readonly rewardFunction: string,
    private readonly options: Record<string, unknown>,
  ) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new RewardOptionsError(rewardFunction, '(options)', 'must be an object');
    }
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

  /** An integer >= min, null (explicitly "none"), or the default when absent. */
  integerOrNull(key: string, fallback: number | null, min: number): number | null {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw this.error(key, 'must be an integer or null');
    if (value < min) throw this.error(key, `must be >= ${min}`);
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw this.error(key, 'must be true or false');
    return value;
  }

  /** A non-empty string (at most 200 characters), null when allowed, or the default when absent. */
  string(key: string, fallback: string): string;
  string(key: string, fallback: string | null, nullable: true): string | null;
  string(key: string, fallback: string | null, nullable = false): string | null {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (value === null && nullable) return null;
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      throw this.error(key, `must be a non-empty string of at most 200 characters${nullable ? ' or null' : ''}`);
    }
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

  /** Rejects keys the function does not know (a typo would otherwise silently use a default). */
  onlyKeys(known: readonly string[]): void {
    for (const key of Object.keys(this.options)) {
      if (!known.includes(key)) throw this.error(key, `is not an option of this reward function (known: ${known.join(', ') || 'none'})`);
    }
  }

  error(key: string, detail: string): RewardOptionsError {
    return new RewardOptionsError(this.rewardFunction, key, detail);
  }
}
