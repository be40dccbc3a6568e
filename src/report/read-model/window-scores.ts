import { asObject, booleanOrNull, finiteOrNull, integerOrNull, JsonObject } from './json-fields';

/** A window's score as the score module stores it: `{value, count, complete}`. */
export interface WindowScore {
  value: number | null;
  count: number | null;
  complete: boolean | null;
}

/**
 * Reads `windows` jsonb (`{recent: {value, count, complete}, ...}`), falling back to flat
 * `score_<name>` fields for the seed's three windows.
 *
 * @example
 *   readWindowScores({ windows: { anchor: { value: 0.1, count: 3, complete: false } } }, ['anchor'])
 *   // { anchor: { value: 0.1, count: 3, complete: false } }
 */
export function readWindowScores(holder: JsonObject, names: readonly string[], windows: unknown = holder.windows): Record<string, WindowScore> {
  const byName = asObject(windows) ?? {};
  const out: Record<string, WindowScore> = {};
  for (const name of names) {
    const stored = byName[name];
    const window = asObject(stored);
    out[name] = window
      ? { value: finiteOrNull(window.value), count: integerOrNull(window.count), complete: booleanOrNull(window.complete) }
      : { value: typeof stored === 'number' ? finiteOrNull(stored) : finiteOrNull(holder[`score_${name}`]), count: null, complete: null };
  }
  return out;
}
