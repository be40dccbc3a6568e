/** A cell of an output table; Date cells are written as ISO 8601 UTC (CSV) or TIMESTAMP (Parquet). */
export type OutputCell = string | number | boolean | Date | null;

export type OutputColumnType = 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN' | 'TIMESTAMP';

/**
 * One output file's content, written both as CSV and as Parquet: named, typed columns and rows
 * in a fixed order.
 *
 * @example
 *   { name: 'payouts', columns: [{ name: 'model_id', type: 'STRING' }, { name: 'amount', type: 'DOUBLE' }], rows: [['m1', 12.5]] }
 */
export interface OutputTable {
  name: string;
  columns: Array<{ name: string; type: OutputColumnType }>;
  rows: OutputCell[][];
}

/** The CSV text of a table: a header, then one line per row; numbers in their shortest exact form. */
export function tableCsv(table: OutputTable): string {
  const lines = [table.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of table.rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

function csvCell(cell: OutputCell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return csvField(cell);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
