import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { PricePoint, ReplayPrices } from './replay-prices';

/**
 * The replay's price file: one price per row, columns `subject`, `ts`, `price` (any order, other
 * columns ignored). CSV has a header line; empty lines and lines starting with `#` are skipped.
 * `ts` is unix seconds (`1767225600`) or ISO 8601 with a zone (`2026-01-01T00:00:00Z`); in Parquet
 * also a number column or a TIMESTAMP. `price` is a positive finite number. A subject+ts twice is
 * an error (which of the two would the models see?).
 *
 * @example
 *   subject,ts,price
 *   BTC,2026-01-01T00:00:00Z,60000
 *   BTC,1767225660,60012.5
 */
export const PRICE_COLUMNS = ['subject', 'ts', 'price'] as const;

/** A price file that cannot be read: names the file and the line (CSV) or row (Parquet) at fault. */
export class PriceFileError extends Error {
  constructor(
    readonly file: string,
    readonly where: string | null,
    reason: string,
  ) {
    super(`${file}${where ? `: ${where}` : ''}: ${reason}`);
    this.name = 'PriceFileError';
  }
}

export type PriceFileFormat = 'csv' | 'parquet';

/** The format of a price file by its extension, or null when it is neither `.csv` nor `.parquet`. */
export function priceFileFormat(file: string): PriceFileFormat | null {
  const ext = path.extname(file).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.parquet' ? 'parquet' : null;
}

/** Reads and validates every row of a price file. */
export async function readPriceFile(file: string): Promise<ReplayPrices> {
  const format = priceFileFormat(file);
  if (!format) throw new PriceFileError(file, null, 'unknown price file type (expected .csv or .parquet)');
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new PriceFileError(file, null, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const collector = new PriceCollector(file);
  if (format === 'csv') readCsv(bytes.toString('utf8'), collector);
  else await readParquet(bytes, collector);
  return collector.prices();
}

/** Gathers validated rows, refusing duplicates and an empty file. */
class PriceCollector {
  private readonly points = new Map<string, PricePoint[]>();
  private readonly seen = new Map<string, string>();

  constructor(readonly file: string) {}

  add(where: string, subject: unknown, ts: unknown, price: unknown): void {
    if (typeof subject !== 'string' || subject.trim() === '') throw new PriceFileError(this.file, where, 'missing subject');
    const name = subject.trim();
    const tsMs = readTimestamp(ts);
    if (tsMs === null) throw new PriceFileError(this.file, where, `unreadable ts ${JSON.stringify(String(ts))} (unix seconds or ISO 8601 with a zone)`);
    const value = readPrice(price);
    if (value === null) throw new PriceFileError(this.file, where, `price ${JSON.stringify(String(price ?? ''))} is not a positive number`);
    const key = `${name}@${tsMs}`;
    const earlier = this.seen.get(key);
    if (earlier) throw new PriceFileError(this.file, where, `${name} at ${new Date(tsMs).toISOString()} is already on ${earlier}`);
    this.seen.set(key, where);
    const list = this.points.get(name) ?? [];
    list.push({ ts: tsMs, price: value });
    this.points.set(name, list);
  }

  prices(): ReplayPrices {
    if (this.points.size === 0) throw new PriceFileError(this.file, null, 'holds no price');
    return new ReplayPrices(this.points);
  }
}

function readCsv(text: string, collector: PriceCollector): void {
  const lines = text.split(/\r?\n/);
  let columns: Map<string, number> | null = null;
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (line.trim() === '' || line.startsWith('#')) return;
    const cells = line.split(',').map(unquote);
    if (!columns) {
      columns = new Map(cells.map((name, i) => [name, i]));
      const missing = PRICE_COLUMNS.filter((c) => !columns!.has(c));
      if (missing.length > 0) throw new PriceFileError(collector.file, where, `the header lacks ${missing.join(', ')} (expected ${PRICE_COLUMNS.join(',')}, got ${cells.join(',')})`);
      return;
    }
    if (cells.length !== columns.size) throw new PriceFileError(collector.file, where, `has ${cells.length} fields, the header ${columns.size}`);
    const cell = (name: string) => cells[columns!.get(name)!];
    collector.add(where, cell('subject'), cell('ts'), cell('price'));
  });
}

async function readParquet(bytes: Buffer, collector: PriceCollector): Promise<void> {
  const file = collector.file;
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Array<Record<string, unknown>>;
  try {
    const metadata = await parquetMetadataAsync(buffer);
    const header = parquetSchema(metadata).children.map((c) => c.element.name);
    const missing = PRICE_COLUMNS.filter((c) => !header.includes(c));
    if (missing.length > 0) throw new PriceFileError(file, null, `lacks column(s) ${missing.join(', ')} (has ${header.join(', ')})`);
    rows = (await parquetReadObjects({ file: buffer, metadata, columns: [...PRICE_COLUMNS] })) as Array<Record<string, unknown>>;
  } catch (err) {
    if (err instanceof PriceFileError) throw err;
    throw new PriceFileError(file, null, `is not a readable Parquet file (${(err as Error).message})`);
  }
  rows.forEach((row, i) => collector.add(`row ${i + 1}`, row.subject, row.ts, row.price));
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

const UNIX_SECONDS = /^\d+(\.\d+)?$/;
/** ISO 8601 with a time and a zone: a date without zone would depend on the machine's. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function readTimestamp(raw: unknown): number | null {
  if (raw instanceof Date) return Number.isFinite(raw.getTime()) ? raw.getTime() : null;
  if (typeof raw === 'bigint') raw = Number(raw);
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? Math.round(raw * 1000) : null;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (UNIX_SECONDS.test(text)) return Math.round(Number(text) * 1000);
  if (!ISO_WITH_ZONE.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

function readPrice(raw: unknown): number | null {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : null;
}
