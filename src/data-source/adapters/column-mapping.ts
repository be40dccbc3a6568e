import { FeedOptions } from '../feed-options';
import { FeedOptionError } from '../feed.errors';
import type { FeedRecord } from '../feed';
import { numericValue } from '../numeric-value';

export const COLUMN_OPTION_KEYS = ['subjectColumn', 'subject', 'tsColumn', 'tsUnit', 'valueColumns'];

type TsUnit = 'auto' | 's' | 'ms' | 'iso';

/**
 * How a table row (CSV line, Parquet row, SQL row) becomes a record: which column holds the
 * subject (or one fixed `subject` for the whole source), the timestamp and its unit, and the value
 * columns. Shared by the file and SQL adapters so they read tables the same way.
 *
 * @example
 *   // options { tsColumn: 'time', tsUnit: 's', subject: 'BTC', valueColumns: ['close'] }
 *   mapping.toRecord({ time: '1767225600', close: '87012.5' }) // { subject: 'BTC', ts: 1767225600000, values: { close: 87012.5 } }
 */
export class ColumnMapping {
  readonly subjectColumn: string;
  readonly fixedSubject?: string;
  readonly tsColumn: string;
  readonly tsUnit: TsUnit;
  readonly valueColumns: string[];

  constructor(o: FeedOptions, defaults: { valueColumns?: string[] } = {}) {
    this.fixedSubject = o.optionalString('subject');
    this.subjectColumn = o.string('subjectColumn', 'subject');
    this.tsColumn = o.string('tsColumn', 'ts');
    this.tsUnit = o.oneOf('tsUnit', ['auto', 's', 'ms', 'iso'] as const, 'auto');
    this.valueColumns = o.stringList('valueColumns', defaults.valueColumns ?? []);
    if (this.valueColumns.includes(this.tsColumn)) throw new FeedOptionError(o.source, 'valueColumns', `must not include the ts column "${this.tsColumn}"`);
  }

  /** Value columns: the configured ones, else every column but the subject and ts ones. */
  valueColumnsOf(header: string[]): string[] {
    if (this.valueColumns.length > 0) return this.valueColumns;
    return header.filter((c) => c !== this.tsColumn && (this.fixedSubject !== undefined || c !== this.subjectColumn));
  }

  /** The header's missing columns, to fail a file once instead of every line of it. */
  missingColumns(header: string[]): string[] {
    const needed = [this.tsColumn, ...this.valueColumns, ...(this.fixedSubject === undefined ? [this.subjectColumn] : [])];
    return needed.filter((c) => !header.includes(c));
  }

  /** The record of a row, or the reason it cannot be one. */
  toRecord(row: Record<string, unknown>, valueColumns: string[]): FeedRecord | string {
    const subject = this.fixedSubject ?? row[this.subjectColumn];
    if (typeof subject !== 'string' || subject === '') return `missing subject in column "${this.subjectColumn}"`;
    const ts = this.timestamp(row[this.tsColumn]);
    if (!Number.isFinite(ts)) return `unreadable timestamp ${JSON.stringify(String(row[this.tsColumn]))} in column "${this.tsColumn}"`;
    const values: Record<string, number> = {};
    for (const column of valueColumns) {
      const raw = row[column];
      const value = typeof raw === 'bigint' ? Number(raw) : numericValue(raw);
      if (!Number.isFinite(value)) return `non-numeric ${column}=${JSON.stringify(raw ?? null)}`;
      values[column] = value;
    }
    return { subject, ts, values };
  }

  private timestamp(raw: unknown): number {
    if (raw instanceof Date) return raw.getTime();
    if (typeof raw === 'bigint') raw = Number(raw);
    const numeric = numericValue(raw);
    switch (this.tsUnit) {
      case 's':
        return numeric * 1000;
      case 'ms':
        return numeric;
      case 'iso':
        return typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      default:
        // Seconds until the year 5138, milliseconds after; text is an ISO date.
        if (Number.isFinite(numeric)) return numeric < 1e11 ? numeric * 1000 : numeric;
        return typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
    }
  }
}
