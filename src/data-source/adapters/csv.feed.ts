import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import { FeedOptionError } from '../feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { ColumnMapping, COLUMN_OPTION_KEYS } from './column-mapping';
import { FileDrop, fileDropFeed } from './file-drop';

/**
 * `csv`: CSV files with a header line, one file or a folder where new files are dropped.
 * A line without its line end (file still being written), with the wrong number of fields or
 * unreadable values is logged with its file and line number and skipped.
 *
 * Options: `path` (required), `delimiter` (`,`), and the column options: `subjectColumn`
 * (`subject`) or a fixed `subject`, `tsColumn` (`ts`), `tsUnit` (`auto` | `s` | `ms` | `iso`),
 * `valueColumns` (default: every other column).
 *
 * @example
 *   # prices.csv
 *   subject,ts,close
 *   BTC,1767225600,87012.5
 */
@FeedAdapter('csv')
export class CsvFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['path', 'delimiter', ...COLUMN_OPTION_KEYS]);
    const location = path.resolve(o.string('path'));
    const delimiter = o.string('delimiter', ',');
    if (delimiter.length !== 1 || delimiter === '"') throw new FeedOptionError(context.source, 'delimiter', 'must be one character other than a quote');
    const reader = new CsvReader(context.source, new ColumnMapping(o), delimiter);
    return fileDropFeed(new FileDrop(context.source, location, '.csv', (file) => reader.read(file)));
  }
}

class CsvReader {
  private readonly logger: Logger;

  constructor(
    private readonly source: string,
    private readonly mapping: ColumnMapping,
    private readonly delimiter: string,
  ) {
    this.logger = new Logger(`Feed:${source}`);
  }

  async read(file: string): Promise<FeedRecord[]> {
    const text = await fs.readFile(file, 'utf8');
    const lines = text.split('\n');
    const complete = text.endsWith('\n');
    if (lines.length === 0 || lines[0].trim() === '') return [];
    const header = splitCsvLine(lines[0].replace(/\r$/, ''), this.delimiter).map((h) => h.trim());
    const missing = this.mapping.missingColumns(header);
    if (missing.length > 0) throw new Error(`header lacks column(s) ${missing.join(', ')} (has ${header.join(', ')})`);
    const valueColumns = this.mapping.valueColumnsOf(header);
    const records: FeedRecord[] = [];
    const name = path.basename(file);
    // The last element is "" after a final line end, or a line still being written: never read it now.
    const last = lines.length - 1;
    for (let i = 1; i < last; i++) {
      const line = lines[i].replace(/\r$/, '');
      if (line.trim() === '') continue;
      const fields = splitCsvLine(line, this.delimiter);
      if (fields.length !== header.length) {
        this.skip(name, i + 1, `${fields.length} fields, the header has ${header.length} (truncated line?)`);
        continue;
      }
      const row: Record<string, string> = {};
      header.forEach((column, k) => (row[column] = fields[k].trim()));
      const record = this.mapping.toRecord(row, valueColumns);
      if (typeof record === 'string') this.skip(name, i + 1, record);
      else records.push(record);
    }
    if (!complete && lines[lines.length - 1].trim() !== '') {
      this.skip(name, lines.length, 'no line end yet (file still being written?); read again when the file changes');
    }
    return records;
  }

  private skip(file: string, line: number, reason: string): void {
    this.logger.warn(`source ${this.source}: skipped ${file} line ${line}: ${reason}`);
  }
}

/** Splits one CSV line, honouring double-quoted fields ("a, b" and "" escapes). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields;
}
