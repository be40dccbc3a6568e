'use strict';
/**
 * JSON as Python's `json.dumps` / `json.loads` write and read it: bare `NaN`, `Infinity` and
 * `-Infinity` are allowed. The model-runner wire protocol carries JSON variants in this dialect,
 * so a model returning `NaN` inside a list must reach the coordinator as `NaN`, not `null`.
 *
 * @example
 *   stringifyPythonJson([1.5, NaN]);   // '[1.5, NaN]'
 *   parsePythonJson('[1.5, NaN]');     // [1.5, NaN]
 */

/** Thrown when a value has no JSON form (Python raises TypeError in the same cases). */
class NotJsonSerializableError extends TypeError {}

function stringifyPythonJson(value) {
  // Most answers are plain data with finite numbers: JSON.stringify writes them far faster
  // than the walk below, which exists for the dialect's NaN/Infinity and for errors that name
  // the offending path. Both write Python's ", " and ": " separators.
  if (isPlainFiniteData(value, 0)) return withPythonSeparators(JSON.stringify(value));
  return writeValue(value, new Set(), '$');
}

/** Turns JSON.stringify's compact `,` and `:` (outside strings) into json.dumps's `, ` and `: `. */
function withPythonSeparators(compact) {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 44 /* , */ || c === 58 /* : */) {
      out += compact.slice(from, i + 1) + ' ';
      from = i + 1;
    }
  }
  return from === 0 ? compact : out + compact.slice(from);
}

/** True for null, booleans, strings, finite numbers, arrays and plain objects of those (depth-bounded, so cycles fall through). */
function isPlainFiniteData(value, depth) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > 64) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainFiniteData(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  if (typeof value.toJSON === 'function') return false;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (!isPlainFiniteData(value[key], depth + 1)) return false;
  }
  return true;
}

function writeNumber(n) {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return JSON.stringify(n);
}

function describe(value) {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value.constructor && value.constructor.name) || 'object';
}

function writeValue(value, seen, path) {
  if (value !== null && typeof value === 'object' && typeof value.toJSON === 'function') {
    value = value.toJSON();
  }
  switch (typeof value) {
    case 'number':
      return writeNumber(value);
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return 'null';
    case 'object':
      break;
    default:
      throw new NotJsonSerializableError(`value of type ${typeof value} at ${path} is not JSON serializable`);
  }
  if (value === null) return 'null';
  if (seen.has(value)) throw new NotJsonSerializableError(`circular reference at ${path}`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return '[' + value.map((item, i) => writeValue(item, seen, `${path}[${i}]`)).join(', ') + ']';
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new NotJsonSerializableError(`object of type ${describe(value)} at ${path} is not JSON serializable`);
    }
    const parts = [];
    for (const key of Object.keys(value)) {
      if (value[key] === undefined || typeof value[key] === 'function') continue;
      parts.push(JSON.stringify(key) + ': ' + writeValue(value[key], seen, `${path}.${key}`));
    }
    return '{' + parts.join(', ') + '}';
  } finally {
    seen.delete(value);
  }
}

/** Parses JSON that may contain bare NaN / Infinity / -Infinity (outside strings). */
function parsePythonJson(text) {
  try {
    return JSON.parse(text);
  } catch (fastPathError) {
    // Only the dialect's extra tokens justify the slow path; anything else is a real error.
    if (!/NaN|Infinity/.test(text)) throw fastPathError;
  }
  return new PythonJsonReader(text).readDocument();
}

class PythonJsonReader {
  constructor(text) {
    this.text = text;
    this.pos = 0;
  }

  readDocument() {
    const value = this.readValue();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected trailing characters');
    return value;
  }

  fail(reason) {
    throw new SyntaxError(`invalid JSON at position ${this.pos}: ${reason}`);
  }

  skipSpace() {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  readValue() {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '{') return this.readObject();
    if (ch === '[') return this.readArray();
    if (ch === '"') return this.readString();
    for (const [word, value] of [['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['true', true], ['false', false], ['null', null]]) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match || match[0] === '' || match[0] === '-') this.fail('expected a value');
    this.pos += match[0].length;
    return Number(match[0]);
  }

  readString() {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '\\') this.pos += 2;
      else if (ch === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos));
      } else this.pos++;
    }
    return this.fail('unterminated string');
  }

  readArray() {
    const items = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.readValue());
      this.skipSpace();
      const ch = this.text[this.pos++];
      if (ch === ']') return items;
      if (ch !== ',') this.fail("expected ',' or ']'");
    }
  }

  readObject() {
    const object = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return object;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const key = this.readString();
      this.skipSpace();
      if (this.text[this.pos++] !== ':') this.fail("expected ':'");
      object[key] = this.readValue();
      this.skipSpace();
      const ch = this.text[this.pos++];
      if (ch === '}') return object;
      if (ch !== ',') this.fail("expected ',' or '}'");
    }
  }
}

module.exports = { stringifyPythonJson, parsePythonJson, NotJsonSerializableError };
