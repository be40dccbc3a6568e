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
  /** `exact`: a DOUBLE written in full in CSV too (input data such as prices, not computed sums). */
  columns: Array<{ name: string; type: OutputColumnType; exact?: boolean }>;
  rows: OutputCell[][];
}

/**
 * Significant digits of a DOUBLE in CSV. The database sums a window's buckets (and a cycle its
 * scores) in storage and round-id order, which moves the last bits between two runs of the same
 * inputs (about 1e-15 relative); at 10 digits the same inputs give the same bytes. Parquet keeps
 * the full doubles.
 */
export const CSV_DOUBLE_DIGITS = 10;

/** The CSV text of a table: a header, then one line per row. */
export function tableCsv(table: OutputTable): string {
  const lines = [table.columns.map((c) => csvField(c.name)).join(',')];
  const doubles = table.columns.map((c) => c.type === 'DOUBLE' && !c.exact);
  for (const row of table.rows) lines.push(row.map((cell, i) => csvCell(cell, doubles[i])).join(','));
  return `${lines.join('\n')}\n`;
}

function csvCell(cell: OutputCell, double: boolean): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'number') return double && Number.isFinite(cell) ? String(Number(cell.toPrecision(CSV_DOUBLE_DIGITS))) : String(cell);
  if (typeof cell === 'boolean') return String(cell);
  return csvField(cell);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
