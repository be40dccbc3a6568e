/** Most decimals a currency may have (ERC-20 tokens use up to 18). */
export const MAX_DECIMALS = 30;

export interface BaseUnitSplit {
  /** One integer amount per input amount, in the same order. */
  units: bigint[];
  /** The distributed total: the exact sum of the floating-point amounts, in base units, rounded half up. */
  total: bigint;
}

/**
 * Turns floating-point amounts into integer base units (`decimals` digits: 6 turns 1.5 into
 * 1500000) that add up exactly to the distributed total, by the largest-remainder method:
 * every amount is floored, then the units left over go one each to the largest remainders
 * (equal remainders: the earlier amount first, so the split is deterministic).
 *
 * The arithmetic is exact: each double is taken as the binary fraction it is (mantissa x 2^e)
 * and scaled with BigInt, so no rounding hides in `amount * 10 ** decimals`.
 *
 * @example
 *   toBaseUnits([1 / 3, 1 / 3, 1 / 3], 2) // { units: [34n, 33n, 33n], total: 100n }
 */
export function toBaseUnits(amounts: readonly number[], decimals: number): BaseUnitSplit {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new RangeError(`decimals must be an integer in 0..${MAX_DECIMALS}, got ${decimals}`);
  }
  const parts = amounts.map((amount, i) => {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) throw new RangeError(`amount ${i} must be a finite number >= 0, got ${amount}`);
    return binaryFraction(amount);
  });
  // A common denominator 2^shift for every amount's fractional part.
  const shift = Math.max(0, ...parts.map((p) => -p.exponent));
  const scale = 10n ** BigInt(decimals);
  const scaled = parts.map((p) => p.mantissa * scale * (1n << BigInt(p.exponent + shift)));
  const denominator = 1n << BigInt(shift);
  const floors = scaled.map((s) => s / denominator);
  const remainders = scaled.map((s, i) => s - floors[i] * denominator);
  const exactSum = scaled.reduce((acc, s) => acc + s, 0n);
  const total = shift === 0 ? exactSum : (exactSum + (denominator >> 1n)) / denominator;
  let left = total - floors.reduce((acc, f) => acc + f, 0n);
  const order = remainders.map((_, i) => i).sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[a] > remainders[b] ? -1 : 1));
  const units = [...floors];
  for (const i of order) {
    if (left <= 0n) break;
    units[i] += 1n;
    left -= 1n;
  }
  return { units, total };
}

/** Base units as a decimal string: formatUnits(1500000n, 6) -> "1.500000". */
export function formatUnits(units: bigint, decimals: number): string {
  const digits = units.toString().padStart(decimals + 1, '0');
  return decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** x = mantissa * 2^exponent exactly, for a finite x >= 0 (IEEE-754 binary64). */
function binaryFraction(x: number): { mantissa: bigint; exponent: number } {
  if (x === 0) return { mantissa: 0n, exponent: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 }; // zero and subnormals
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}
