import { Pool } from 'pg';
import { Logger } from '@nestjs/common';
import { FeedAdapter } from '../feed-adapter.decorator';
import { FeedOptions } from '../feed-options';
import { FeedError, FeedOptionError } from '../feed.errors';
import type { Feed, FeedAdapterProvider, FeedContext, FeedRecord } from '../feed';
import { ColumnMapping, COLUMN_OPTION_KEYS } from './column-mapping';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `sql`: rows of a PostgreSQL table, read with keyset paging from the watermark
 * (`WHERE ts >= $from ... ORDER BY ts LIMIT pageSize`, then `ts > last`).
 *
 * Options: `connectionString` or `connectionStringEnv` (name of an env variable holding it, to
 * keep passwords out of competition files), `table` (`name` or `schema.name`), `tsType`
 * (`timestamptz` | `epoch_s` | `epoch_ms`), `pageSize` (5000), and the column options of the
 * `csv` adapter (`subjectColumn` or `subject`, `tsColumn`, `valueColumns` (required)).
 *
 * @example
 *   feed: { adapter: sql, options: { connectionStringEnv: PRICES_DB_URL, table: market.prices,
 *           subjectColumn: asset, tsColumn: time, valueColumns: [close] } }
 */
@FeedAdapter('sql')
export class SqlFeedAdapter implements FeedAdapterProvider {
  create(options: Record<string, unknown>, context: FeedContext): Feed {
    const o = new FeedOptions(context.source, options);
    o.rejectUnknown(['connectionString', 'connectionStringEnv', 'table', 'tsType', 'pageSize', ...COLUMN_OPTION_KEYS]);
    const connectionString = resolveConnectionString(o);
    const table = o.string('table');
    if (!table.split('.').every((part) => IDENTIFIER.test(part)) || table.split('.').length > 2) {
      throw new FeedOptionError(context.source, 'table', 'must be a plain identifier or schema.identifier');
    }
    const tsType = o.oneOf('tsType', ['timestamptz', 'epoch_s', 'epoch_ms'] as const, 'timestamptz');
    const pageSize = o.number('pageSize', 5000, { min: 1, max: 100_000, integer: true });
    const mapping = new ColumnMapping(o);
    if (mapping.valueColumns.length === 0) throw new FeedOptionError(context.source, 'valueColumns', 'is required for the sql adapter');
    const columns = [mapping.tsColumn, ...mapping.valueColumns, ...(mapping.fixedSubject === undefined ? [mapping.subjectColumn] : [])];
    for (const column of columns) {
      if (!IDENTIFIER.test(column)) throw new FeedOptionError(context.source, 'columns', `"${column}" is not a plain column name`);
    }
    const quotedTable = table.split('.').map(quote).join('.');
    const ts = quote(mapping.tsColumn);
    const bound = (param: string) => (tsType === 'timestamptz' ? `${param}::timestamptz` : param);
    const subjectFilter = mapping.fixedSubject === undefined ? `${quote(mapping.subjectColumn)} = $1` : `$1::text IS NOT NULL`;
    const select = `SELECT ${columns.map(quote).join(', ')} FROM ${quotedTable} WHERE ${subjectFilter}`;
    const firstPage = `${select} AND ${ts} >= ${bound('$2')} AND ${ts} <= ${bound('$3')} ORDER BY ${ts} LIMIT $4`;
    const nextPage = `${select} AND ${ts} > ${bound('$2')} AND ${ts} <= ${bound('$3')} ORDER BY ${ts} LIMIT $4`;
    const toParam = (ms: number) => (tsType === 'timestamptz' ? new Date(ms).toISOString() : tsType === 'epoch_s' ? ms / 1000 : ms);
    const pool = new Pool({ connectionString, max: 2 });
    const logger = new Logger(`Feed:${context.source}`);
    pool.on('error', (err) => logger.warn(`source ${context.source}: idle database connection failed: ${err.message}`));
    const timestampMapping = tsType === 'epoch_s' ? 's' : tsType === 'epoch_ms' ? 'ms' : null;

    return {
      async listSubjects() {
        if (mapping.fixedSubject !== undefined) return [mapping.fixedSubject];
        const { rows } = await query(`SELECT DISTINCT ${quote(mapping.subjectColumn)} AS subject FROM ${quotedTable} ORDER BY 1`, []);
        return rows.map((r) => String(r.subject));
      },
      async *fetchRange(subject: string, fromMs: number, toMs: number): AsyncGenerator<FeedRecord[]> {
        let sql = firstPage;
        let after: unknown = toParam(fromMs);
        for (;;) {
          const { rows } = await query(sql, [subject, after, toParam(toMs), pageSize]);
          const records: FeedRecord[] = [];
          rows.forEach((row, i) => {
            const record = mapping.toRecord(withUnit(row, mapping, timestampMapping, subject), mapping.valueColumnsOf(columns));
            if (typeof record === 'string') logger.warn(`source ${context.source}: skipped row ${i + 1} of ${table} for ${subject}: ${record}`);
            else records.push(record);
          });
          yield records;
          if (rows.length < pageSize) return;
          after = rows[rows.length - 1][mapping.tsColumn];
          sql = nextPage;
        }
      },
      async close() {
        await pool.end();
      },
    };

    async function query(sql: string, params: unknown[]) {
      try {
        return await pool.query(sql, params);
      } catch (err) {
        throw new FeedError(context.source, `query on ${table} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  }
}

function quote(identifier: string): string {
  return `"${identifier}"`;
}

/** Epoch columns come back as numbers (or bigint strings); make them ms for the mapping. */
function withUnit(row: Record<string, unknown>, mapping: ColumnMapping, unit: 's' | 'ms' | null, subject: string): Record<string, unknown> {
  const out = { ...row };
  if (mapping.fixedSubject === undefined && out[mapping.subjectColumn] === undefined) out[mapping.subjectColumn] = subject;
  if (unit !== null) {
    const raw = Number(out[mapping.tsColumn]);
    out[mapping.tsColumn] = new Date(unit === 's' ? raw * 1000 : raw);
  }
  return out;
}

function resolveConnectionString(o: FeedOptions): string {
  const variable = o.optionalString('connectionStringEnv');
  if (variable !== undefined) {
    const value = process.env[variable];
    if (!value) throw new FeedOptionError(o.source, 'connectionStringEnv', `environment variable ${variable} is not set`);
    return value;
  }
  return o.string('connectionString');
}
