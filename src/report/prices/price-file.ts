import type { PriceFileFormat } from './price-download.dto';
import { CsvPriceFile } from './csv-price-file';
import { ParquetPriceFile } from './parquet-price-file';

/** One price of a download: a subject's tick value at `ts` (epoch ms). */
export interface PriceRow {
  subject: string;
  ts: number;
  price: number;
}

/**
 * Writes a price file piece by piece, so a download sends each page of rows as it is read:
 * `start()` once, `page(rows)` per page, `end()` once; each returns the bytes to send next.
 *
 * @example
 *   const file = priceFile('csv');
 *   res.write(file.start()); for (const rows of pages) res.write(file.page(rows)); res.end(file.end());
 */
export interface PriceFile {
  readonly contentType: string;
  readonly extension: string;
  start(): Buffer;
  page(rows: readonly PriceRow[]): Buffer;
  end(): Buffer;
}

export function priceFile(format: PriceFileFormat): PriceFile {
  return format === 'parquet' ? new ParquetPriceFile() : new CsvPriceFile();
}
