import { randomBytes } from 'node:crypto';

/**
 * JSON as Python's `json.dumps` writes it: standard JSON plus the bare tokens `NaN`, `Infinity`
 * and `-Infinity` for non-finite floats. Models written in Python return such text, so the
 * coordinator must read it without losing a prediction, and write it so Python reads it back.
 *
 * @example
 *   parsePythonJson('[1.5, NaN, -Infinity]')      // [1.5, NaN, -Infinity]
 *   stringifyPythonJson({ mu: NaN, xs: [1, 2] })  // '{"mu":NaN,"xs":[1,2]}'
 */

const NON_FINITE_TOKENS: ReadonlyArray<readonly [string, number]> = [
  ['-Infinity', -Infinity],
  ['Infinity', Infinity],
  ['NaN', NaN],
];

export class PythonJsonError extends Error {
  constructor(message: string, readonly text: string) {
    super(`${message} (text starts: ${JSON.stringify(text.slice(0, 80))})`);
    this.name = 'PythonJsonError';
  }
}

/** Parses JSON that may hold bare NaN/Infinity/-Infinity tokens outside strings. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (standardError) {
    // Only texts that are not standard JSON pay for the rewrite below.
    const rewritten = rewriteNonFiniteTokens(text);
    if (rewritten === null) {
      throw new PythonJsonError(`invalid JSON: ${(standardError as Error).message}`, text);
    }
    try {
      return JSON.parse(rewritten.text, (_key, value: unknown) =>
        typeof value === 'string' && value.startsWith(rewritten.marker)
          ? markerValue(value.slice(rewritten.marker.length))
          : value,
      );
    } catch (error) {
      throw new PythonJsonError(`invalid JSON: ${(error as Error).message}`, text);
    }
  }
}

/** Writes JSON; non-finite numbers become bare NaN/Infinity/-Infinity and bigints exact integers. */
export function stringifyPythonJson(value: unknown): string {
  const marker = newMarker();
  let sawMarker = false;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item)) {
      sawMarker = true;
      return marker + (Number.isNaN(item) ? 'NaN' : item > 0 ? 'Infinity' : '-Infinity');
    }
    if (typeof item === 'bigint') {
      sawMarker = true;
      return marker + item.toString();
    }
    return item;
  });
  if (text === undefined) {
    throw new PythonJsonError('value has no JSON representation', String(value));
  }
  if (!sawMarker) return text;
  // The marker is random per call, so no string written by a caller can contain it.
  return text.replace(new RegExp(`"${marker}(-?[A-Za-z0-9]+)"`, 'g'), '$1');
}

function newMarker(): string {
  return `__pyjson_${randomBytes(12).toString('hex')}_`;
}

function markerValue(token: string): number {
  for (const [name, value] of NON_FINITE_TOKENS) if (token === name) return value;
  return Number(token);
}

/**
 * Replaces non-finite tokens found outside string literals by marked string literals.
 * Returns null when the text holds no such token (so it is simply invalid JSON).
 */
function rewriteNonFiniteTokens(text: string): { text: string; marker: string } | null {
  const marker = newMarker();
  let out = '';
  let copiedUpTo = 0;
  let replaced = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      i = skipString(text, i);
      continue;
    }
    const token = NON_FINITE_TOKENS.find(([name]) => text.startsWith(name, i));
    if (token && !isIdentifierChar(text[i - 1]) && !isIdentifierChar(text[i + token[0].length])) {
      out += text.slice(copiedUpTo, i) + `"${marker}${token[0]}"`;
      i += token[0].length;
      copiedUpTo = i;
      replaced = true;
      continue;
    }
    i += 1;
  }
  return replaced ? { text: out + text.slice(copiedUpTo), marker } : null;
}

/** Index just past the string literal opening at `start` (or the end of text if unterminated). */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i + 1;
    else i += 1;
  }
  return i;
}

function isIdentifierChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_.]/.test(ch);
}
