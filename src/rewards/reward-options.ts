import { PluginOptionsReader } from '../config/plugin-options';
import { RewardOptionsError } from './reward.errors';

/**
 * Reads a reward function's options with defaults, throwing RewardOptionsError naming the bad key
 * (the shared reading is PluginOptionsReader's).
 *
 * @example
 *   const read = new RewardOptionsReader('exponential-top-k', options);
 *   const alpha = read.number('alpha', 1, { min: 0 });
 */
export class RewardOptionsReader extends PluginOptionsReader {
  constructor(
    readonly rewardFunction: string,
    options: Record<string, unknown>,
  ) {
    super('reward function', options, (key, problem) => new RewardOptionsError(rewardFunction, key, problem));
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
}
