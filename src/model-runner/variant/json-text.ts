/**
 * The text of a JSON Variant a model returned, kept as it came when it is plain JSON, so a
 * caller that only stores it (the predict round) skips decoding it into objects and encoding
 * it back. `value()` decodes it on first use.
 *
 * `plainJsonText` accepts only text that `JSON.parse` reads and that needs no care afterwards;
 * anything else (Python's bare NaN/Infinity, `\u` escapes, numbers that overflow a double or do
 * not fit PostgreSQL's numeric, invalid JSON) returns null, and the caller decodes it the usual
 * way (parsePythonJson), which reports problems as before.
 *
 * @example
 *   const json = plainJsonText(Buffer.from('[{"loc": 0, "scale": 1.5}]'));
 *   json?.topLevel;   // { kind: 'array', length: 1, objectItems: 1 }
 *   json?.value();    // [{ loc: 0, scale: 1.5 }]
 *   plainJsonText(Buffer.from('[NaN]'));   // null: decode it with parsePythonJson
 */
export interface JsonTopLevel {
  kind: 'array' | 'object' | 'string' | 'number' | 'boolean' | 'null';
  /** Items of a top-level array (0 otherwise). */
  length: number;
  /** How many of those items are objects. */
  objectItems: number;
}

export class JsonText {
  private decoded?: { value: unknown };

  constructor(
    /** The JSON text, exactly as the model sent it. */
    readonly text: string,
    /** UTF-8 bytes of `text`. */
    readonly byteLength: number,
    /** Number literals in the text (each re-encodes by JSON.stringify to at most 24 characters). */
    readonly numberCount: number,
    /** Deepest nesting of arrays/objects (a top-level array is 1). */
    readonly maxDepth: number,
    readonly topLevel: JsonTopLevel,
  ) {}

  /** The decoded value (decoded once, then shared: callers must not mutate it). */
  value(): unknown {
    this.decoded ??= { value: JSON.parse(this.text) };
    return this.decoded.value;
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Deeper texts are left to the usual decoder (and the scanner's recursion stays shallow). */
const MAX_SCANNED_DEPTH = 256;
/** Largest decimal exponent kept: beyond it a number would need care (overflow, numeric's limits). */
const MAX_DECIMAL_EXPONENT = 300;

/** The text of `bytes` when it is plain JSON (see the file comment), else null. */
export function plainJsonText(bytes: Uint8Array): JsonText | null {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return null;
  }
  return new PlainJsonScanner(text).scan(bytes.length);
}

// Character codes.
const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d;
const QUOTE = 0x22, BACKSLASH = 0x5c, SLASH = 0x2f, LOWER_U = 0x75;
const OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d, OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d;
const COMMA = 0x2c, COLON = 0x3a, MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e;
const DIGIT_0 = 0x30, DIGIT_9 = 0x39, LOWER_E = 0x65, UPPER_E = 0x45;

/** Escapes kept as they are (JSON.parse reads them, JSON.stringify writes them the same or shorter). */
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, SLASH, 0x62 /* b */, 0x66 /* f */, 0x6e /* n */, 0x72 /* r */, 0x74 /* t */]);

class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

/** A strict JSON (RFC 8259) recogniser that builds nothing: it only counts what checks need. */
class PlainJsonScanner {
  private i = 0;
  private numbers = 0;
  private maxDepth = 0;

  constructor(private readonly text: string) {}

  scan(byteLength: number): JsonText | null {
    try {
      this.skipSpace();
      const topLevel = this.topLevel();
      this.skipSpace();
      if (this.i !== this.text.length) return null;
      return new JsonText(this.text, byteLength, this.numbers, this.maxDepth, topLevel);
    } catch (error) {
      if (error instanceof NotPlain) return null;
      throw error;
    }
  }

  private topLevel(): JsonTopLevel {
    const c = this.text.charCodeAt(this.i);
    if (c !== OPEN_BRACKET) {
      const kind = this.value(1);
      return { kind, length: 0, objectItems: 0 };
    }
    // A top-level array: count its items and object items.
    this.maxDepth = 1;
    this.i++;
    this.skipSpace();
    let length = 0;
    let objectItems = 0;
    if (this.text.charCodeAt(this.i) === CLOSE_BRACKET) {
      this.i++;
      return { kind: 'array', length, objectItems };
    }
    for (;;) {
      this.skipSpace();
      if (this.value(2) === 'object') objectItems++;
      length++;
      this.skipSpace();
      const next = this.text.charCodeAt(this.i++);
      if (next === CLOSE_BRACKET) return { kind: 'array', length, objectItems };
      if (next !== COMMA) throw NOT_PLAIN;
    }
  }

  /** Scans one value whose arrays/objects would sit at `depth`; returns its kind. */
  private value(depth: number): JsonTopLevel['kind'] {
    const c = this.text.charCodeAt(this.i);
    switch (c) {
      case OPEN_BRACE:
        this.container(depth, CLOSE_BRACE);
        return 'object';
      case OPEN_BRACKET:
        this.container(depth, CLOSE_BRACKET);
        return 'array';
      case QUOTE:
        this.string();
        return 'string';
      case 0x74: // t
        this.literal('true');
        return 'boolean';
      case 0x66: // f
        this.literal('false');
        return 'boolean';
      case 0x6e: // n
        this.literal('null');
        return 'null';
      default:
        if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
          this.number();
          return 'number';
        }
        throw NOT_PLAIN; // NaN, Infinity, or not JSON
    }
  }

  private container(depth: number, close: number): void {
    if (depth > MAX_SCANNED_DEPTH) throw NOT_PLAIN;
    if (depth > this.maxDepth) this.maxDepth = depth;
    const isObject = close === CLOSE_BRACE;
    this.i++;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) === close) {
      this.i++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (isObject) {
        if (this.text.charCodeAt(this.i) !== QUOTE) throw NOT_PLAIN;
        this.string();
        this.skipSpace();
        if (this.text.charCodeAt(this.i++) !== COLON) throw NOT_PLAIN;
        this.skipSpace();
      }
      this.value(depth + 1);
      this.skipSpace();
      const next = this.text.charCodeAt(this.i++);
      if (next === close) return;
      if (next !== COMMA) throw NOT_PLAIN;
    }
  }

  private string(): void {
    const text = this.text;
    let i = this.i + 1;
    for (;;) {
      const c = text.charCodeAt(i); // NaN past the end: not plain
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        if (!SIMPLE_ESCAPES.has(text.charCodeAt(i + 1))) throw NOT_PLAIN; // \u (NUL, surrogates, ...) or invalid
        i += 2;
        continue;
      }
      if (!(c >= SPACE)) throw NOT_PLAIN; // control character (invalid JSON) or end of text
      i++;
    }
    this.i = i + 1;
  }

  private literal(word: string): void {
    if (!this.text.startsWith(word, this.i)) throw NOT_PLAIN;
    this.i += word.length;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? with its decimal exponent kept in range. */
  private number(): void {
    const text = this.text;
    let i = this.i;
    if (text.charCodeAt(i) === MINUS) i++;
    const intStart = i;
    if (text.charCodeAt(i) === DIGIT_0) i++;
    else i = this.digits(i);
    // Significant integer digits ("0" has none): the value is below 10^(intDigits + exponent).
    const intDigits = text.charCodeAt(intStart) === DIGIT_0 ? 0 : i - intStart;
    let fracDigits = 0;
    if (text.charCodeAt(i) === DOT) {
      const fracStart = i + 1;
      i = this.digits(fracStart);
      fracDigits = i - fracStart;
    }
    let exponent = 0;
    const e = text.charCodeAt(i);
    if (e === LOWER_E || e === UPPER_E) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === MINUS || sign === PLUS) i++;
      const expStart = i;
      i = this.digits(i);
      if (i - expStart > 4) throw NOT_PLAIN;
      exponent = Number(text.slice(expStart, i)) * (sign === MINUS ? -1 : 1);
    }
    if (intDigits + exponent > MAX_DECIMAL_EXPONENT || fracDigits - exponent > MAX_DECIMAL_EXPONENT) throw NOT_PLAIN;
    this.numbers++;
    this.i = i;
  }

  /** Index past one or more digits from `i`. */
  private digits(i: number): number {
    const start = i;
    for (let c = this.text.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = this.text.charCodeAt(++i));
    if (i === start) throw NOT_PLAIN;
    return i;
  }

  private skipSpace(): void {
    const text = this.text;
    let i = this.i;
    for (let c = text.charCodeAt(i); c === SPACE || c === LF || c === CR || c === TAB; c = text.charCodeAt(++i));
    this.i = i;
  }
}
