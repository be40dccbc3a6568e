/**
 * A list body as CSV (RFC 4180): a header row, then one line per row, CRLF line ends. Nested
 * objects are flattened into dotted columns (`counts.SUCCESS`); arrays are JSON-encoded in one
 * cell; null and undefined are empty cells; a text cell that a spreadsheet would run as a formula
 * (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`, since model and cruncher
 * names come from participants. Columns: `declared` first (the route's documented fields), then
 * any other field met in the rows, in the order first met.
 *
 * @example
 *   toCsv([{ model_id: 'm1', counts: { SUCCESS: 3 }, tags: ['a'] }])
 *   // 'model_id,counts.SUCCESS,tags\r\nm1,3,"[""a""]"\r\n'
 */
export function toCsv(rows: readonly unknown[], declared: readonly string[] = []): string {
  const flat = rows.map((row) => flatten(row));
  const columns = [...declared];
  const known = new Set(columns);
  for (const row of flat) {
    for (const key of row.keys()) {
      if (known.has(key)) continue;
      known.add(key);
      columns.push(key);
    }
  }
  // A declared object column (`windows`) gives way to its dotted leaves when the rows have them.
  const present = new Set(flat.flatMap((row) => [...row.keys()]));
  const header = columns.filter((c) => present.has(c) || !columns.some((other) => other.startsWith(`${c}.`)));
  const lines = [header.map(cell).join(',')];
  for (const row of flat) lines.push(header.map((c) => cell(row.get(c))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function flatten(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) {
    into.set(prefix === '' ? 'value' : prefix, value);
    return into;
  }
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner) && !(inner instanceof Date)) flatten(inner, name, into);
    else into.set(name, inner);
  }
  return into;
}

const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
