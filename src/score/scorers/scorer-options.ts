import { PluginOptionsReader } from '../../config/plugin-options';
import { ScorerOptionsError } from './scorer.errors';

/**
 * Reads a scorer's options with defaults, throwing ScorerOptionsError naming the bad key.
 *
 * @example
 *   const read = new ScorerOptionsReader('density-log-likelihood', options);
 *   const floor = read.number('floor', -20);
 */
export class ScorerOptionsReader extends PluginOptionsReader {
  constructor(scorer: string, options: Record<string, unknown>) {
    super('scorer', options, (key, problem) => new ScorerOptionsError(scorer, key, problem));
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
