import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { openDatabase } from '../src/database/data-source.factory';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';

/**
 * A throw-away migrated database for a benchmark: a fresh database on the DATABASE_URL server
 * (dropped afterwards), or an embedded PGlite in a temporary directory.
 */
export async function benchDatabase(engine: 'pglite' | 'postgres'): Promise<{ dataSource: DataSource; label: string; close(): Promise<void> }> {
  if (engine === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-bench-'));
    const embedded = await EmbeddedPostgres.start({ dataDir });
    const dataSource = await openDatabase(embedded.url, { embedded: true });
    return {
      dataSource,
      label: 'PGlite (embedded)',
      async close() {
        await dataSource.destroy();
        await embedded.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `cn_bench_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataSource = await openDatabase(url.toString(), { embedded: false });
  return {
    dataSource,
    label: `PostgreSQL (${url.host})`,
    async close() {
      await dataSource.destroy();
      await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
