'use strict';
/**
 * A price file as the coordinator writes and reads it (`GET /data/prices`, `coordinator-node
 * prices`, `coordinator-node replay --prices`), with the replay's rules, so a file the replay
 * accepts reads the same here: one price per row, columns `subject`, `ts`, `price` (any order,
 * others ignored); CSV with a header line, empty and `#` lines skipped; `ts` unix seconds or ISO
 * 8601 with a zone; `price` a positive finite number; a subject+ts twice is an error. `.parquet`
 * is read with the `hyparquet` package (what the coordinator reads it with) when it is installed.
 * The counterpart of Python's `condorgame.price_file`.
 *
 * @example
 *   const prices = await readPriceFile('prices.csv'); // { BTC: [[1767225600, 87012.5], ...] } sorted by ts
 */
const fs = require('node:fs');
const path = require('node:path');

const PRICE_COLUMNS = ['subject', 'ts', 'price'];
const UNIX_SECONDS = /^\d+(\.\d+)?$/;
/** A time and a zone: a date without a zone would depend on the machine's. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A price file that cannot be read: names the file and the line (CSV) or row (Parquet). */
class PriceFileError extends Error {
  constructor(file, where, reason) {
    super(`${file}${where ? `: ${where}` : ''}: ${reason}`);
    this.name = 'PriceFileError';
  }
}

/** `{subject: [[tsSeconds, price], ...]}` sorted by ts, from a `.csv` or `.parquet` price file. */
async function readPriceFile(file) {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.parquet') throw new PriceFileError(file, null, 'unknown price file type (expected .csv or .parquet)');
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new PriceFileError(file, null, `cannot be read (${error.code ?? error.message})`);
  }
  const collector = new Collector(file);
  if (ext === '.csv') readCsv(bytes.toString('utf8'), collector);
  else await readParquet(bytes, collector);
  return collector.prices();
}

class Collector {
  constructor(file) {
    this.file = file;
    this.points = {};
    this.seen = new Map();
  }

  add(where, subject, ts, price) {
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
    // Seconds as the coordinator sends them (its milliseconds / 1000).
    (this.points[name] ??= []).push([tsMs / 1000, value]);
  }

  prices() {
    if (Object.keys(this.points).length === 0) throw new PriceFileError(this.file, null, 'holds no price');
    for (const series of Object.values(this.points)) series.sort((a, b) => a[0] - b[0]);
    return this.points;
  }
}

function readCsv(text, collector) {
  let columns = null;
  text.split(/\r?\n/).forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (line.trim() === '' || line.startsWith('#')) return;
    const cells = line.split(',').map(unquote);
    if (!columns) {
      columns = new Map(cells.map((name, i) => [name, i]));
      const missing = PRICE_COLUMNS.filter((c) => !columns.has(c));
      if (missing.length > 0) throw new PriceFileError(collector.file, where, `the header lacks ${missing.join(', ')} (expected ${PRICE_COLUMNS.join(',')}, got ${cells.join(',')})`);
      return;
    }
    if (cells.length !== columns.size) throw new PriceFileError(collector.file, where, `has ${cells.length} fields, the header ${columns.size}`);
    collector.add(where, ...PRICE_COLUMNS.map((c) => cells[columns.get(c)]));
  });
}

async function readParquet(bytes, collector) {
  let hyparquet;
  try {
    hyparquet = await import('hyparquet'); // an ES module: import(), not require()
  } catch {
    throw new PriceFileError(collector.file, null, 'reading Parquet needs the hyparquet package (npm install hyparquet); or download the prices with format=csv');
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let rows;
  try {
    const metadata = await hyparquet.parquetMetadataAsync(buffer);
    const header = hyparquet.parquetSchema(metadata).children.map((c) => c.element.name);
    const missing = PRICE_COLUMNS.filter((c) => !header.includes(c));
    if (missing.length > 0) throw new PriceFileError(collector.file, null, `lacks column(s) ${missing.join(', ')} (has ${header.join(', ')})`);
    rows = await hyparquet.parquetReadObjects({ file: buffer, metadata, columns: PRICE_COLUMNS });
  } catch (error) {
    if (error instanceof PriceFileError) throw error;
    throw new PriceFileError(collector.file, null, `is not a readable Parquet file (${error.message})`);
  }
  rows.forEach((row, i) => collector.add(`row ${i + 1}`, row.subject, row.ts, row.price));
}

function unquote(cell) {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function readTimestamp(raw) {
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

function readPrice(raw) {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : null;
}

module.exports = { readPriceFile, PriceFileError, PRICE_COLUMNS };
