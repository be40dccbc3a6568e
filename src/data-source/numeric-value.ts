/**
 * Reads a provider's number: a JSON number, or a decimal string (Binance and Pyth send prices as
 * strings). Anything else (null, "", "abc", objects) is NaN, which the record validator rejects
 * with the record's position.
 *
 * @example
 *   numericValue('87012.50') // 87012.5
 *   numericValue(null)       // NaN
 */
export function numericValue(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw)) return Number(raw);
  return Number.NaN;
}

/**
 * `mantissa * 10^expo` for Pyth prices, parsing the integer string with BigInt so that mantissas
 * beyond 2^53 do not lose digits before the decimal point is placed.
 *
 * @example
 *   scaledInteger('8701250000000', -8) // 87012.5
 */
export function scaledInteger(mantissa: unknown, expo: unknown): number {
  if (typeof expo !== 'number' || !Number.isInteger(expo) || Math.abs(expo) > 300) return Number.NaN;
  const text = typeof mantissa === 'number' && Number.isSafeInteger(mantissa) ? String(mantissa) : mantissa;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text.trim())) return Number.NaN;
  const big = BigInt(text.trim());
  const negative = big < 0n;
  const digits = (negative ? -big : big).toString();
  let decimal: string;
  if (expo >= 0) {
    decimal = digits + '0'.repeat(expo);
  } else {
    const places = -expo;
    const padded = digits.padStart(places + 1, '0');
    decimal = `${padded.slice(0, padded.length - places)}.${padded.slice(padded.length - places)}`;
  }
  // Number() of the exact decimal string rounds once, correctly.
  return Number((negative ? '-' : '') + decimal);
}
