import * as fs from 'node:fs';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { OutputTable, tableCsv } from './output-table';

/**
 * Writes each table as `<name>.csv` and `<name>.parquet` in `dir` (created if needed); returns
 * the files written. Parquet columns carry the table's types; empty cells are nulls.
 */
export function writeTables(dir: string, tables: readonly OutputTable[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const table of tables) {
    const csv = path.join(dir, `${table.name}.csv`);
    fs.writeFileSync(csv, tableCsv(table));
    const parquet = path.join(dir, `${table.name}.parquet`);
    fs.writeFileSync(parquet, Buffer.from(parquetBytes(table)));
    written.push(csv, parquet);
  }
  return written;
}

function parquetBytes(table: OutputTable): ArrayBuffer {
  return parquetWriteBuffer({
    columnData: table.columns.map((column, index) => ({
      name: column.name,
      type: column.type,
      nullable: true,
      data: table.rows.map((row) => row[index]) as never,
    })),
  });
}
