/**
 * The canonical byte encodings of what the node commits to (documented byte by byte in the
 * README, "Verifiable commitments"; docs/verify_proof.py re-implements them). Any change here is
 * a new leaf kind, never an edit of an existing one: published roots must stay verifiable.
 */

export const SCORE_LEAF_KIND = 0x01;
export const PAYOUT_LEAF_KIND = 0x02;

/** One model's window scores at one scoring cycle. */
export interface ScoreLeaf {
  competitionId: string;
  /** The cycle's time, integer milliseconds since the Unix epoch. */
  cycleTimeMs: number;
  modelId: string;
  /** Window name -> overall value (null: nothing scored in the window). */
  windows: Readonly<Record<string, number | null>>;
}

/** One payout of one checkpoint. */
export interface PayoutLeaf {
  competitionId: string;
  checkpointId: string;
  modelId: string;
  horizon: number;
  rank: number;
  /** Floating-point amount, in currency units. */
  amount: number;
  decimals: number;
  /** Integer base units. */
  units: bigint;
}

/** A leaf does not fit its encoding (a NaN score, a negative time, a too-long id...). */
export class LeafEncodingError extends Error {
  constructor(field: string, detail: string) {
    super(`cannot encode leaf: ${field} ${detail}`);
    this.name = 'LeafEncodingError';
  }
}

/**
 * 0x01 | str(competitionId) | u64(cycleTimeMs) | str(modelId) | u32(window count) |
 * per window, sorted by the UTF-8 bytes of its name: str(name) | optF64(value).
 */
export function encodeScoreLeaf(leaf: ScoreLeaf): Buffer {
  const out = new LeafWriter();
  out.u8(SCORE_LEAF_KIND);
  out.str('competitionId', leaf.competitionId);
  out.u64('cycleTimeMs', leaf.cycleTimeMs);
  out.str('modelId', leaf.modelId);
  const windows = Object.entries(leaf.windows)
    .map(([name, value]) => ({ name, bytes: Buffer.from(name, 'utf8'), value }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  out.u32('windows', windows.length);
  for (const { name, value } of windows) {
    out.str('window name', name);
    out.optF64(`windows.${name}`, value);
  }
  return out.bytes();
}

/**
 * 0x02 | str(competitionId) | str(checkpointId) | str(modelId) | u32(horizon) | u32(rank) |
 * f64(amount) | u8(decimals) | str(units in base-10 ASCII, no sign, no leading zeros).
 */
export function encodePayoutLeaf(leaf: PayoutLeaf): Buffer {
  const out = new LeafWriter();
  out.u8(PAYOUT_LEAF_KIND);
  out.str('competitionId', leaf.competitionId);
  out.str('checkpointId', leaf.checkpointId);
  out.str('modelId', leaf.modelId);
  out.u32('horizon', leaf.horizon);
  out.u32('rank', leaf.rank);
  out.f64('amount', leaf.amount);
  if (!Number.isInteger(leaf.decimals) || leaf.decimals < 0 || leaf.decimals > 255) throw new LeafEncodingError('decimals', 'must be an integer in 0..255');
  out.u8(leaf.decimals);
  if (typeof leaf.units !== 'bigint' || leaf.units < 0n) throw new LeafEncodingError('units', 'must be a bigint >= 0');
  out.str('units', leaf.units.toString());
  return out.bytes();
}

/** Strings are at most this many UTF-8 bytes (ids and window names are short). */
const MAX_STRING_BYTES = 4096;

class LeafWriter {
  private readonly parts: Buffer[] = [];

  u8(value: number): void {
    this.parts.push(Buffer.from([value]));
  }

  u32(field: string, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new LeafEncodingError(field, 'must be an integer in 0..2^32-1');
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    this.parts.push(b);
  }

  u64(field: string, value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new LeafEncodingError(field, 'must be a safe integer >= 0');
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(value));
    this.parts.push(b);
  }

  str(field: string, value: string): void {
    if (typeof value !== 'string') throw new LeafEncodingError(field, 'must be a string');
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > MAX_STRING_BYTES) throw new LeafEncodingError(field, `must be at most ${MAX_STRING_BYTES} UTF-8 bytes`);
    this.u32(field, bytes.length);
    this.parts.push(bytes);
  }

  /** IEEE-754 binary64, big-endian; -0 is written as +0 (JSON cannot carry the sign of zero). */
  f64(field: string, value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new LeafEncodingError(field, 'must be a finite number');
    const b = Buffer.alloc(8);
    b.writeDoubleBE(value === 0 ? 0 : value);
    this.parts.push(b);
  }

  /** 0x00 for null, else 0x01 | f64. */
  optF64(field: string, value: number | null): void {
    if (value === null) {
      this.u8(0);
      return;
    }
    this.u8(1);
    this.f64(field, value);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}
