import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { PriceFile, PriceRow } from './price-file';

const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 3 },
  { name: 'subject', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type: 'REQUIRED' },
  { name: 'price', type: 'DOUBLE', repetition_type: 'REQUIRED' },
];

/**
 * The CSV's columns as Parquet (subject UTF8, ts TIMESTAMP_MILLIS UTC, price DOUBLE), written
 * incrementally with hyparquet-writer: each page becomes one row group whose bytes leave at once;
 * only the footer's row-group list (a few dozen bytes per group) stays until `end()`.
 */
export class ParquetPriceFile implements PriceFile {
  readonly contentType = 'application/vnd.apache.parquet';
  readonly extension = 'parquet';
  private readonly bytes = new ByteWriter();
  private readonly writer = new ParquetWriter({ writer: this.bytes, schema: SCHEMA, createdBy: 'coordinator-node' });

  start(): Buffer {
    return this.take(); // the PAR1 magic the constructor wrote
  }

  page(rows: readonly PriceRow[]): Buffer {
    if (rows.length === 0) return Buffer.alloc(0);
    // The writer is synchronous here: ByteWriter has no flush, so write() returns no promise.
    void this.writer.write({
      columnData: [
        { name: 'subject', data: rows.map((r) => r.subject) },
        { name: 'ts', data: rows.map((r) => r.ts) },
        { name: 'price', data: Float64Array.from(rows, (r) => r.price) },
      ],
      rowGroupSize: rows.length,
    });
    return this.take();
  }

  end(): Buffer {
    void this.writer.finish();
    return this.take();
  }

  /** The bytes written since the last call; the writer's `offset` keeps counting the whole file. */
  private take(): Buffer {
    const out = Buffer.from(this.bytes.getBytes()); // a copy: the buffer is reused from index 0
    this.bytes.index = 0;
    return out;
  }
}
