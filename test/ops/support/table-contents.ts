import { DataSource } from 'typeorm';

/**
 * Every row of every table of the public schema, as JSON text sorted per table: two databases
 * with equal contents give equal maps, whatever the physical order of their rows.
 */
export async function tableContents(ds: DataSource): Promise<Record<string, string[]>> {
  const tables = (await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)) as { tablename: string }[];
  const contents: Record<string, string[]> = {};
  for (const { tablename } of tables) {
    const rows = (await ds.query(`SELECT to_jsonb(t)::text AS row FROM "${tablename}" t ORDER BY 1`)) as { row: string }[];
    contents[tablename] = rows.map((r) => r.row);
  }
  return contents;
}
