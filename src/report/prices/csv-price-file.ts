import type { PriceFile, PriceRow } from './price-file';

export const PRICE_CSV_HEADER = 'subject,ts,price';

/**
 * `subject,ts,price` with ts in epoch seconds (fractional only when the record was not on a whole
 * second) and the price in JavaScript's shortest round-trip form, so parsing it back (Python's
 * float(), Number()) gives the stored double exactly. The csv feed adapter reads this file as is.
 *
 * @example
 *   subject,ts,price
 *   BTC,1767225600,87012.5
 */
export class CsvPriceFile implements PriceFile {
  readonly contentType = 'text/csv; charset=utf-8';
  readonly extension = 'csv';

  start(): Buffer {
    return Buffer.from(`${PRICE_CSV_HEADER}\n`, 'utf8');
  }

  page(rows: readonly PriceRow[]): Buffer {
    let text = '';
    for (const row of rows) text += `${csvField(row.subject)},${row.ts / 1000},${row.price}\n`;
    return Buffer.from(text, 'utf8');
  }

  end(): Buffer {
    return Buffer.alloc(0);
  }
}

/** Subjects are identifiers, but one holding a comma or a quote must not shift the columns. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
