import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { ColumnMapping, COLUMN_OPTION_KEYS } from './column-mapping';
import { FileDrop, fileDropFeed } from './file-drop';

/**
 * `parquet`: Parquet files (read with hyparquet), one file or a folder where new files are
 * dropped. Unreadable rows are logged with their file and row number and skipped.
 *
 * Options: `path` (required) and the column options of the `csv` adapter (`subjectColumn` or
 * `subject`, `tsColumn`, `tsUnit`, `valueColumns`). Timestamp columns may be numbers, INT64 or
 * Parquet TIMESTAMP.
 */
@FeedAdapter('parquet')
export class ParquetFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['path', ...COLUMN_OPTION_KEYS]);
    const location = path.resolve(o.string('path'));
    const mapping = new ColumnMapping(o);
    const logger = new Logger(`Feed:${context.source}`);

    const read = async (file: string): Promise<FeedRecord[]> => {
      // Dropped files are read whole: an ArrayBuffer is a valid hyparquet AsyncBuffer.
      const bytes = await fs.readFile(file);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const metadata = await parquetMetadataAsync(buffer);
      const header = parquetSchema(metadata).children.map((c) => c.element.name);
      const missing = mapping.missingColumns(header);
      if (missing.length > 0) throw new Error(`lacks column(s) ${missing.join(', ')} (has ${header.join(', ')})`);
      const valueColumns = mapping.valueColumnsOf(header);
      const rows = (await parquetReadObjects({ file: buffer, metadata })) as Array<Record<string, unknown>>;
      const records: FeedRecord[] = [];
      rows.forEach((row, i) => {
        const record = mapping.toRecord(row, valueColumns);
        if (typeof record === 'string') logger.warn(`source ${context.source}: skipped ${path.basename(file)} row ${i + 1}: ${record}`);
        else records.push(record);
      });
      return records;
    };
    return fileDropFeed(new FileDrop(context.source, location, '.parquet', read));
  }
}
