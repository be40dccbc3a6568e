/**
 * The compact form of a prediction's payload (`predictions.payload_compact`): the JSON text a
 * model sent, as a binary that keeps every number as its exact float64 and renders the original
 * text back byte for byte. A density payload is mostly numbers and one repeated shape (60 steps
 * of the same mixture), so the binary holds the numbers in a float64 section, the structure once
 * per distinct element shape, and each string once: the hourly reference payload (60 two-normal
 * mixtures, ~13,800 bytes of text) takes 3,085 bytes, 2,880 of them its floats. Scoring decodes
 * it to the value JSON.parse would give, without parsing any decimal text.
 *
 * Any JSON array or object is understood, whatever the scorer (normal and mixture specs,
 * multi-resolution Synth payloads keyed by step, ensembles, vectors), when its text is written
 * compactly (`JSON.stringify`) or with Python's default separators (`", "` and `": "`, as
 * `json.dumps` writes). Numbers are rendered the way JavaScript or Python writes that float64
 * (`1e-7` / `1e-07`, `0` / `0.0`); any other spelling (`1.50`, `-0`) is kept as its own text.
 * `encodePayload` renders its binary and compares it with the text: it returns null (the text is
 * then stored as it is) for anything it would not reproduce exactly, and for a binary no smaller
 * than the text.
 *
 * @example
 *   const compact = encodePayload('[{"type":"builtin","name":"norm","params":{"loc":0,"scale":0.002}}]');
 *   renderPayload(compact!);   // the same text, byte for byte
 *   decodePayload(compact!);   // [{ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.002 } }]
 *   payloadText({ payload: null, payload_compact: compact }); // the text again, for any reader
 *
 * Layout (little-endian; the float64 section is written and viewed as a Float64Array, which is
 * little-endian on the platforms Node runs on here): magic 0xD7, version 1, separator style, 0;
 * uint32 UTF-8 length of the text; uint32 float count n; uint32 structure length s; n float64 (at
 * offset 16, so 8-aligned); s structure bytes; the string table (varint count, then varint byte
 * length + UTF-8 of each string's JSON literal between its quotes, escapes kept).
 */

const MAGIC = 0xd7;
const VERSION = 1;
const HEADER_BYTES = 16;
/** Byte offset of the text's UTF-8 length in the header (read by SQL, see `payloadBytesSql`). */
const TEXT_BYTES_OFFSET = 4;

/** How the text separates items and keys: `,` `:` (JSON.stringify) or `, ` `: ` (Python's json.dumps). */
const enum Style {
  Compact = 0,
  Python = 1,
}

const enum Op {
  Null = 0,
  False = 1,
  True = 2,
  /** A float64 written as JavaScript writes it. */
  NumberJs = 3,
  /** A float64 written as Python's repr writes it. */
  NumberPython = 4,
  /** A number kept as its own text (a string-table entry). */
  NumberText = 5,
  String = 6,
  Array = 7,
  Object = 8,
  /** An array element of the same structure as the previous one (its own numbers). */
  SameAsPrevious = 9,
}

/** A stored prediction's payload columns, as any reader selects them. */
export interface StoredPayloadColumns {
  payload: unknown;
  payload_compact: Uint8Array | null;
}

/**
 * The JSON text of a stored prediction's payload, whichever column holds it: the one function
 * every reader of a payload goes through (scoring reads `decodePayload` instead). `payload` is the
 * `json` column as selected (text when cast `::text`, or the driver's parsed value).
 *
 * @example
 *   const rows = await ds.query(`SELECT payload::text AS payload, payload_compact FROM predictions WHERE id = $1`, [id]);
 *   payloadText(rows[0]); // '[{"type":"builtin",...}]' or null
 */
export function payloadText(row: StoredPayloadColumns): string | null {
  if (row.payload_compact !== null && row.payload_compact !== undefined) return renderPayload(row.payload_compact);
  if (row.payload === null || row.payload === undefined) return null;
  return typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload);
}

/**
 * A SQL expression for the UTF-8 length of the payload text of the row aliased `alias`
 * (`octet_length` of the text, or the length the compact form's header records).
 *
 * @example
 *   `SELECT max(${payloadBytesSql('p')}) FROM predictions p` // the largest payload, in bytes
 */
export function payloadBytesSql(alias: string): string {
  const c = `${alias}.payload_compact`;
  const o = TEXT_BYTES_OFFSET;
  return `coalesce(octet_length(${alias}.payload::text), get_byte(${c}, ${o}) + (get_byte(${c}, ${o + 1}) << 8) + (get_byte(${c}, ${o + 2}) << 16) + (get_byte(${c}, ${o + 3}) << 24))`;
}

/** A payload's compact form, or null when the codec would not reproduce the text or would not save space. */
export function encodePayload(text: string): Buffer | null {
  const encoder = new PayloadEncoder(text);
  const encoded = encoder.encode();
  if (encoded === null || encoded.length >= Buffer.byteLength(text, 'utf8')) return null;
  // The contract is the text, byte for byte: anything the renderer would write differently stays text.
  return new PayloadReader(encoded).renders(text, encoder.floatTokens()) ? encoded : null;
}

/**
 * Where the encoder found each float64 of a payload in its text, and how that token is written:
 * token i is `text.slice(starts[i], ends[i])`, and `ops[i]` (NumberJs or NumberPython) renders
 * `values[i]` as exactly that token (the encoder checked it).
 */
interface FloatTokens {
  count: number;
  values: Float64Array;
  starts: Uint32Array;
  ends: Uint32Array;
  ops: Uint8Array;
}

/**
 * The payload's value, as JSON.parse of its text would give it (fresh objects, same key order).
 * Throws on a binary that is not a compact payload.
 *
 * The structure and strings of a model's payloads repeat round after round, so each distinct
 * structure is compiled once into a function that builds the value as object literals, reading
 * only the float64 section: about 20x faster than JSON.parse of the text, which dominated a
 * scoring cycle (1.7 s of 4.3 s for 20,000 hourly predictions). Strings and keys enter the
 * generated code as JSON string literals only; structures above 16 KB are read by the
 * interpreter instead, and the 512 most recent structures stay compiled.
 */
export function decodePayload(bytes: Uint8Array): unknown {
  const reader = new PayloadReader(bytes);
  const build = reader.compiled();
  return build === null ? reader.value() : build(reader.floatArray());
}

/** A number of a step template: the `index`-th float64 of its step (`UniformSteps.floats`). */
export class FloatSlot {
  constructor(readonly index: number) {}
}

/**
 * A payload that is an array of `count` entries of one structure (a density payload's steps):
 * `template` is that structure, decoded with each float64 number replaced by its `FloatSlot`;
 * entry k's numbers are `floats[k * floatsPerStep + slot.index]`. Templates are shared between
 * payloads of one structure (cached), so a reader may cache what it derives from one by identity.
 */
export interface UniformSteps {
  count: number;
  template: unknown;
  floatsPerStep: number;
  floats: Float64Array;
}

/**
 * The payload as `UniformSteps`, or null when it is not an array of entries of one structure: how
 * a density scorer reads the numbers of every step without building any object.
 *
 * @example
 *   const steps = uniformSteps(compact); // { count: 60, template: { type: 'mixture', ... }, floatsPerStep: 6, floats }
 */
export function uniformSteps(bytes: Uint8Array): UniformSteps | null {
  const reader = new PayloadReader(bytes);
  const shape = reader.uniformShape();
  if (shape === null) return null;
  const floats = reader.floatArray();
  if (floats.length !== shape.count * shape.floatsPerStep) throw new Error('not a compact payload (float count)');
  return { count: shape.count, template: shape.template, floatsPerStep: shape.floatsPerStep, floats };
}

/** The payload's original JSON text. Throws on a binary that is not a compact payload. */
export function renderPayload(bytes: Uint8Array): string {
  return new PayloadReader(bytes).text();
}

class PayloadEncoder {
  private pos = 0;
  private style: Style | null = null;
  private readonly ops = new ByteWriter();
  private floats = new Float64Array(64);
  private floatStarts = new Uint32Array(64);
  private floatEnds = new Uint32Array(64);
  private floatOps = new Uint8Array(64);
  private floatCount = 0;
  private readonly strings = new Map<string, number>();

  constructor(private readonly src: string) {}

  encode(): Buffer | null {
    const first = this.src.charCodeAt(0);
    if (first !== 0x5b && first !== 0x7b) return null; // '[' or '{': a scalar gains nothing
    if (!this.value() || this.pos !== this.src.length) return null;
    const table: Buffer[] = [];
    const strings = [...this.strings.keys()];
    pushVarint(table, strings.length);
    for (const s of strings) {
      const utf8 = Buffer.from(s, 'utf8');
      pushVarint(table, utf8.length);
      table.push(utf8);
    }
    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = MAGIC;
    header[1] = VERSION;
    header[2] = this.style ?? Style.Compact;
    header.writeUInt32LE(Buffer.byteLength(this.src, 'utf8'), TEXT_BYTES_OFFSET);
    header.writeUInt32LE(this.floatCount, 8);
    header.writeUInt32LE(this.ops.length, 12);
    const floats = Buffer.from(this.floats.buffer, 0, this.floatCount * 8);
    return Buffer.concat([header, floats, this.ops.bytes(), ...table]);
  }

  /** Encodes the value at `pos`; false when the text is not one the codec writes back. */
  private value(): boolean {
    const c = this.src.charCodeAt(this.pos);
    if (c === 0x5b) return this.array();
    if (c === 0x7b) return this.object();
    if (c === 0x22) {
      const literal = this.string();
      if (literal === null) return false;
      this.ops.push(Op.String);
      this.pushIndex(literal);
      return true;
    }
    if (this.src.startsWith('null', this.pos)) return this.word(Op.Null, 4);
    if (this.src.startsWith('true', this.pos)) return this.word(Op.True, 4);
    if (this.src.startsWith('false', this.pos)) return this.word(Op.False, 5);
    return this.number();
  }

  private word(op: Op, length: number): boolean {
    this.ops.push(op);
    this.pos += length;
    return true;
  }

  private array(): boolean {
    this.pos++;
    const lengthAt = this.ops.length;
    this.ops.reserve(Op.Array, 6); // length patched below (a varint padded to 5 bytes)
    let count = 0;
    let previousStart = -1;
    let previousEnd = -1;
    if (this.src.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
    } else {
      for (;;) {
        const start = this.ops.length;
        if (!this.value()) return false;
        if (previousStart >= 0 && this.ops.sameRange(previousStart, previousEnd, start)) {
          this.ops.truncate(start);
          this.ops.push(Op.SameAsPrevious);
        } else {
          previousStart = start;
          previousEnd = this.ops.length;
        }
        count++;
        const sep = this.separator(0x5d);
        if (sep === null) return false;
        if (sep) break;
      }
    }
    this.ops.patchVarint(lengthAt + 1, count);
    return true;
  }

  private object(): boolean {
    this.pos++;
    const countAt = this.ops.length;
    this.ops.reserve(Op.Object, 6);
    let count = 0;
    if (this.src.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
    } else {
      for (;;) {
        if (this.src.charCodeAt(this.pos) !== 0x22) return false;
        const key = this.string();
        if (key === null) return false;
        this.pushIndex(key);
        if (this.src.charCodeAt(this.pos) !== 0x3a) return false;
        this.pos++;
        if (!this.spacing()) return false;
        if (!this.value()) return false;
        count++;
        const sep = this.separator(0x7d);
        if (sep === null) return false;
        if (sep) break;
      }
    }
    this.ops.patchVarint(countAt + 1, count);
    return true;
  }

  /** After an item: true at the closing bracket, false after a comma, null for anything else. */
  private separator(close: number): boolean | null {
    const c = this.src.charCodeAt(this.pos);
    if (c === close) {
      this.pos++;
      return true;
    }
    if (c !== 0x2c) return null;
    this.pos++;
    return this.spacing() ? false : null;
  }

  /** The space after a comma or colon: none (compact) or one (Python), the same all through. */
  private spacing(): boolean {
    const spaced = this.src.charCodeAt(this.pos) === 0x20;
    const style = spaced ? Style.Python : Style.Compact;
    if (this.style === null) this.style = style;
    if (this.style !== style) return false;
    if (spaced) this.pos++;
    return true;
  }

  /** A string literal's text between its quotes (escapes kept), or null when it is not valid JSON. */
  private string(): string | null {
    const start = ++this.pos;
    let escaped = false;
    for (;;) {
      const c = this.src.charCodeAt(this.pos);
      if (Number.isNaN(c) || c < 0x20) return null;
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        this.pos++;
      }
      this.pos++;
    }
    const literal = this.src.slice(start, this.pos);
    this.pos++;
    if (escaped) {
      try {
        JSON.parse(`"${literal}"`);
      } catch {
        return null;
      }
    }
    return literal;
  }

  /** The float64 numbers read so far and where their tokens are (for `PayloadReader.renders`). */
  floatTokens(): FloatTokens {
    return { count: this.floatCount, values: this.floats, starts: this.floatStarts, ends: this.floatEnds, ops: this.floatOps };
  }

  private number(): boolean {
    const start = this.pos;
    NUMBER.lastIndex = start;
    if (!NUMBER.test(this.src)) return false;
    this.pos = NUMBER.lastIndex;
    const token = this.src.slice(start, this.pos);
    const value = Number(token);
    if (!Number.isFinite(value)) return false;
    if (jsNumberText(value) === token) {
      this.ops.push(Op.NumberJs);
      this.pushFloat(value, start, this.pos, Op.NumberJs);
    } else if (pythonNumberText(value) === token) {
      this.ops.push(Op.NumberPython);
      this.pushFloat(value, start, this.pos, Op.NumberPython);
    } else {
      this.ops.push(Op.NumberText);
      this.pushIndex(token);
    }
    return true;
  }

  private pushFloat(value: number, start: number, end: number, op: Op): void {
    if (this.floatCount === this.floats.length) {
      const size = this.floats.length * 2;
      this.floats = grown(new Float64Array(size), this.floats);
      this.floatStarts = grown(new Uint32Array(size), this.floatStarts);
      this.floatEnds = grown(new Uint32Array(size), this.floatEnds);
      this.floatOps = grown(new Uint8Array(size), this.floatOps);
    }
    const i = this.floatCount++;
    this.floats[i] = value;
    this.floatStarts[i] = start;
    this.floatEnds[i] = end;
    this.floatOps[i] = op;
  }

  private pushIndex(s: string): void {
    let index = this.strings.get(s);
    if (index === undefined) {
      index = this.strings.size;
      this.strings.set(s, index);
    }
    this.ops.varint(index);
  }
}

/** The structure bytes being written: a growable byte buffer. */
class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  push(byte: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[this.length++] = byte;
  }

  /** `op` followed by `size - 1` zero bytes, to be patched. */
  reserve(op: number, size: number): void {
    this.push(op);
    for (let i = 1; i < size; i++) this.push(0);
  }

  varint(value: number): void {
    while (value >= 0x80) {
      this.push((value & 0x7f) | 0x80);
      value = Math.floor(value / 128);
    }
    this.push(value);
  }

  /** Writes a varint into 5 reserved bytes (continuation bits on the first four), so a length can be patched in place. */
  patchVarint(at: number, value: number): void {
    for (let i = 0; i < 4; i++) {
      this.buf[at + i] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[at + 4] = value;
  }

  /** Whether bytes [start, end) equal the bytes from `other` to the end. */
  sameRange(start: number, end: number, other: number): boolean {
    if (end - start !== this.length - other) return false;
    for (let i = 0; i < end - start; i++) if (this.buf[start + i] !== this.buf[other + i]) return false;
    return true;
  }

  truncate(length: number): void {
    this.length = length;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  private grow(): void {
    const grown = new Uint8Array(this.buf.length * 2);
    grown.set(this.buf);
    this.buf = grown;
  }
}

/** A JSON number token at `lastIndex`. */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class PayloadReader {
  private pos: number;
  private floatAt = 0;
  private readonly view: DataView;
  private readonly floats: number;
  private readonly end: number;
  private readonly opsLength: number;
  private table: string[] | null = null;
  private readonly style: Style;

  constructor(private readonly bytes: Uint8Array) {
    if (bytes.length < HEADER_BYTES || bytes[0] !== MAGIC || bytes[1] !== VERSION) throw new Error('not a compact payload (bad header)');
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.style = bytes[2] as Style;
    const floatCount = this.view.getUint32(8, true);
    const opsLength = this.view.getUint32(12, true);
    this.floats = HEADER_BYTES;
    this.pos = HEADER_BYTES + floatCount * 8;
    this.end = this.pos + opsLength;
    this.opsLength = opsLength;
    if (this.end > bytes.length) throw new Error('not a compact payload (truncated)');
  }

  /** The string table (after the structure), read on first use: a compiled builder needs none. */
  private get strings(): string[] {
    if (this.table !== null) return this.table;
    const bytes = this.bytes;
    const table: string[] = [];
    let at = this.end;
    const read = () => {
      let value = 0;
      let shift = 0;
      for (;;) {
        if (at >= bytes.length) throw new Error('not a compact payload (truncated string table)');
        const b = bytes[at++];
        value += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return value;
        shift += 7;
      }
    };
    const count = read();
    for (let i = 0; i < count; i++) {
      const length = read();
      if (at + length > bytes.length) throw new Error('not a compact payload (truncated string)');
      table.push(utf8.decode(bytes.subarray(at, at + length)));
      at += length;
    }
    this.table = table;
    return table;
  }

  /** The float64 section (a view when aligned, else a copy). */
  floatArray(): Float64Array {
    const offset = this.bytes.byteOffset + this.floats;
    const count = (this.end - this.floats - this.opsLength) / 8;
    if (offset % 8 === 0) return new Float64Array(this.bytes.buffer, offset, count);
    return new Float64Array(this.bytes.slice(this.floats, this.floats + count * 8).buffer);
  }

  /** An array of one repeated element structure: its template (cached per structure), or null. */
  uniformShape(): { count: number; template: unknown; floatsPerStep: number } | null {
    if (this.bytes[this.pos] !== Op.Array) return null;
    if (this.bytes.length - this.end + this.opsLength > MAX_COMPILED_STRUCTURE) return null;
    const key = latin1(this.bytes, this.end - this.opsLength, this.bytes.length);
    const cached = templates.get(key);
    if (cached !== undefined) return cached;
    this.pos++;
    const count = this.varint();
    let shape: { count: number; template: unknown; floatsPerStep: number } | null = null;
    if (count > 0) {
      const template = this.readValue(true);
      const floatsPerStep = this.floatAt;
      let uniform = true;
      for (let i = 1; i < count && uniform; i++) uniform = this.bytes[this.pos++] === Op.SameAsPrevious;
      if (uniform) {
        this.finish();
        shape = { count, template, floatsPerStep };
      }
    }
    if (templates.size >= MAX_BUILDERS) templates.delete(templates.keys().next().value!);
    templates.set(key, shape);
    return shape;
  }

  /** The cached builder of this structure (compiled on first sight), or null to use the interpreter. */
  compiled(): ((floats: Float64Array) => unknown) | null {
    if (this.bytes.length - this.end + this.opsLength > MAX_COMPILED_STRUCTURE) return null;
    const key = latin1(this.bytes, this.end - this.opsLength, this.bytes.length);
    const cached = builders.get(key);
    if (cached !== undefined) return cached;
    const start = this.pos;
    const source = this.valueSource();
    this.finish();
    this.pos = start;
    const build = new Function('R', `return function build(f) { let i = 0; const v = ${source}; if (i !== f.length) throw new Error('not a compact payload (float count)'); return v; };`)(repeated) as (floats: Float64Array) => unknown;
    if (builders.size >= MAX_BUILDERS) builders.delete(builders.keys().next().value!);
    builders.set(key, build);
    return build;
  }

  /** JavaScript source of an expression building the value at `pos` (floats read as `f[i++]`). */
  private valueSource(): string {
    const op = this.bytes[this.pos++];
    switch (op) {
      case Op.Null:
        return 'null';
      case Op.False:
        return 'false';
      case Op.True:
        return 'true';
      case Op.NumberJs:
      case Op.NumberPython:
        return 'f[i++]';
      case Op.NumberText:
      {
        const value = Number(this.string());
        return Object.is(value, -0) ? '(-0)' : `(${String(value)})`;
      }
      case Op.String:
        return JSON.stringify(unescapeLiteral(this.string()));
      case Op.Array: {
        const length = this.varint();
        const items: string[] = [];
        let previous = '';
        let repeats = 0;
        for (let i = 0; i < length; i++) {
          if (this.bytes[this.pos] === Op.SameAsPrevious) {
            if (i === 0) throw new Error('not a compact payload (repeat without a previous element)');
            this.pos++;
            items.push(previous);
            repeats++;
          } else {
            previous = this.valueSource();
            items.push(previous);
          }
        }
        // One element then repeats of it (a density payload's steps): a loop, not n copies.
        if (length > 2 && repeats === length - 1) return `R(${length}, () => (${items[0]}))`;
        return `[${items.join(', ')}]`;
      }
      case Op.Object: {
        const count = this.varint();
        const members: string[] = [];
        for (let i = 0; i < count; i++) {
          const key = unescapeLiteral(this.string());
          // A computed key for __proto__, which a literal key would turn into the prototype.
          members.push(`${key === '__proto__' ? '["__proto__"]' : JSON.stringify(key)}: ${this.valueSource()}`);
        }
        return `{${members.join(', ')}}`;
      }
      default:
        throw new Error(`not a compact payload (unknown op ${op})`);
    }
  }

  value(): unknown {
    const v = this.readValue();
    this.finish();
    return v;
  }

  text(): string {
    const parts: string[] = [];
    this.walkText(new TextWriter(parts));
    this.finish();
    return parts.join('');
  }

  /**
   * Whether `text()` would give `expected`, compared piece by piece as walkText walks them (no
   * rendered copy), for the encoder's check of its own output. A float64 is not written out again:
   * the encoder found `tokens` in `expected` and checked that each op writes its value as that
   * very token, so the piece is the same when the number read here has the same bits and op, and
   * its token starts where the rendering has got to. (Writing each number again cost as much as
   * the whole encoding: 10,000 hourly predictions are 1.2 million numbers.)
   */
  renders(expected: string, tokens: FloatTokens): boolean {
    const matcher = new TextMatcher(expected, tokens);
    if (!this.walkText(matcher)) return false;
    this.finish();
    return matcher.at === expected.length;
  }

  private finish(): void {
    if (this.pos !== this.end) throw new Error('not a compact payload (trailing structure)');
  }

  private varint(): number {
    const bytes = this.bytes;
    let value = 0;
    let scale = 1;
    for (let pos = this.pos; pos < this.end; scale *= 128) {
      const b = bytes[pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return value;
      }
    }
    throw new Error('not a compact payload (truncated structure)');
  }

  private float(): number {
    return this.view.getFloat64(this.floats + 8 * this.floatAt++, true);
  }

  private string(): string {
    const s = this.strings[this.varint()];
    if (s === undefined) throw new Error('not a compact payload (bad string index)');
    return s;
  }

  /** The value at `pos`; with `slots`, float64 numbers as their FloatSlot (a step template). */
  private readValue(slots = false): unknown {
    const op = this.bytes[this.pos++];
    switch (op) {
      case Op.Null:
        return null;
      case Op.False:
        return false;
      case Op.True:
        return true;
      case Op.NumberJs:
      case Op.NumberPython:
        return slots ? new FloatSlot(this.floatAt++) : this.float();
      case Op.NumberText:
        return Number(this.string());
      case Op.String:
        return unescapeLiteral(this.string());
      case Op.Array: {
        const length = this.varint();
        const out = new Array<unknown>(length);
        let previous = -1;
        for (let i = 0; i < length; i++) {
          if (this.bytes[this.pos] === Op.SameAsPrevious) {
            if (previous < 0) throw new Error('not a compact payload (repeat without a previous element)');
            const after = this.pos + 1;
            this.pos = previous;
            out[i] = this.readValue(slots);
            this.pos = after;
          } else {
            previous = this.pos;
            out[i] = this.readValue(slots);
          }
        }
        return out;
      }
      case Op.Object: {
        const count = this.varint();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < count; i++) {
          const key = unescapeLiteral(this.string());
          const value = this.readValue(slots);
          if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
          else out[key] = value;
        }
        return out;
      }
      default:
        throw new Error(`not a compact payload (unknown op ${op})`);
    }
  }

  /** Walks the payload's text piece by piece into `sink`; false as soon as the sink says stop. */
  private walkText(sink: TextSink): boolean {
    const op = this.bytes[this.pos++];
    switch (op) {
      case Op.Null:
        return sink.put('null');
      case Op.False:
        return sink.put('false');
      case Op.True:
        return sink.put('true');
      case Op.NumberJs:
      case Op.NumberPython: {
        const index = this.floatAt;
        return sink.float(index, this.float(), op);
      }
      case Op.NumberText:
        return sink.put(this.string());
      case Op.String:
        return sink.quoted(this.string());
      case Op.Array: {
        const comma = this.style === Style.Python ? ', ' : ',';
        const length = this.varint();
        if (!sink.put('[')) return false;
        let previous = -1;
        for (let i = 0; i < length; i++) {
          if (i > 0 && !sink.put(comma)) return false;
          if (this.bytes[this.pos] === Op.SameAsPrevious) {
            if (previous < 0) throw new Error('not a compact payload (repeat without a previous element)');
            const after = this.pos + 1;
            this.pos = previous;
            if (!this.walkText(sink)) return false;
            this.pos = after;
          } else {
            previous = this.pos;
            if (!this.walkText(sink)) return false;
          }
        }
        return sink.put(']');
      }
      case Op.Object: {
        const comma = this.style === Style.Python ? ', ' : ',';
        const colon = this.style === Style.Python ? ': ' : ':';
        const count = this.varint();
        if (!sink.put('{')) return false;
        for (let i = 0; i < count; i++) {
          if (i > 0 && !sink.put(comma)) return false;
          if (!sink.quoted(this.string()) || !sink.put(colon) || !this.walkText(sink)) return false;
        }
        return sink.put('}');
      }
      default:
        throw new Error(`not a compact payload (unknown op ${op})`);
    }
  }
}

/** The text a payload should render, and how far `PayloadReader.renders` has matched it. */
class TextMatcher implements TextSink {
  at = 0;

  constructor(
    readonly expected: string,
    readonly tokens: FloatTokens,
  ) {}

  put(text: string): boolean {
    if (!this.expected.startsWith(text, this.at)) return false;
    this.at += text.length;
    return true;
  }

  /** The same piece when the encoder read this very number (same bits, same op) from the token that starts here. */
  float(index: number, value: number, op: Op): boolean {
    const t = this.tokens;
    if (index >= t.count || t.ops[index] !== op || t.starts[index] !== this.at || !Object.is(t.values[index], value)) return false;
    this.at = t.ends[index];
    return true;
  }

  /** A string literal between its quotes. */
  quoted(literal: string): boolean {
    const end = this.at + literal.length + 1;
    if (this.expected.charCodeAt(this.at) !== 0x22 || this.expected.charCodeAt(end) !== 0x22 || !this.expected.startsWith(literal, this.at + 1)) return false;
    this.at = end + 1;
    return true;
  }
}

/** Where a payload's text goes, piece by piece (`PayloadReader.walkText`); each returns false to stop the walk. */
interface TextSink {
  put(piece: string): boolean;
  /** The float64 `value`, the `index`-th of the payload, written by `op` (NumberJs or NumberPython). */
  float(index: number, value: number, op: Op): boolean;
  /** A string literal, to be written between its quotes. */
  quoted(literal: string): boolean;
}

/** Renders the text into `parts`. */
class TextWriter implements TextSink {
  constructor(private readonly parts: string[]) {}

  put(piece: string): boolean {
    this.parts.push(piece);
    return true;
  }

  float(_index: number, value: number, op: Op): boolean {
    return this.put(op === Op.NumberJs ? jsNumberText(value) : pythonNumberText(value));
  }

  quoted(literal: string): boolean {
    return this.put(`"${literal}"`);
  }
}

/** Structure + string-table bytes above which a payload is not compiled. */
const MAX_COMPILED_STRUCTURE = 16 * 1024;
/** Distinct structures kept compiled (oldest dropped first). */
const MAX_BUILDERS = 512;
const builders = new Map<string, (floats: Float64Array) => unknown>();
const templates = new Map<string, { count: number; template: unknown; floatsPerStep: number } | null>();

/** An array of `n` values built by `item` in turn (the compiled builders' loop). */
function repeated(n: number, item: () => unknown): unknown[] {
  const out: unknown[] = [];
  for (let k = 0; k < n; k++) out.push(item());
  return out;
}

/** `into` (a larger array) holding `from`'s values first. */
function grown<T extends Float64Array | Uint32Array | Uint8Array>(into: T, from: T): T {
  into.set(from);
  return into;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

const utf8 = new TextDecoder();

function unescapeLiteral(literal: string): string {
  return literal.indexOf('\\') < 0 ? literal : (JSON.parse(`"${literal}"`) as string);
}

/** How JSON.stringify writes a finite number. */
function jsNumberText(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}

/**
 * How Python's `repr` (and so `json.dumps`) writes a float: the shortest round-trip digits, in
 * positional notation for exponents -4..15 (always with a fraction, `1.0`), else `d.ddde-05`.
 */
export function pythonNumberText(value: number): string {
  const magnitude = Math.abs(value);
  // Both write positional text here with the same shortest round-trip digits: JavaScript's
  // text is Python's, bar the `.0` Python gives a whole number. (Most numbers of a density
  // payload take this path: 5x faster than the general one below.)
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const js = String(value);
    return js.indexOf('.') < 0 ? `${js}.0` : js;
  }
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (e >= -4 && e < 16) {
    if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
    const whole = digits.length > e + 1 ? digits.slice(0, e + 1) : digits + '0'.repeat(e + 1 - digits.length);
    const fraction = digits.length > e + 1 ? digits.slice(e + 1) : '0';
    return `${sign}${whole}.${fraction}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const abs = Math.abs(e);
  return `${sign}${m}e${e < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}


function pushVarintOps(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

function pushVarint(out: Buffer[], value: number): void {
  const bytes: number[] = [];
  pushVarintOps(bytes, value);
  out.push(Buffer.from(bytes));
}

