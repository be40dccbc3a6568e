import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { openDatabase } from '../../src/database/data-source.factory';

export type Engine = 'pglite' | 'postgres';

/** A migrated, empty database for one test file, and how to throw it away. */
export interface TestDatabase {
  engine: Engine;
  dataSource: DataSource;
  url: string;
  close(): Promise<void>;
}

/** The engines database tests run on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set (CI sets it). */
export function testEngines(): Engine[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Opens a fresh database: an in-memory PGlite behind its socket, or a new uniquely named
 * database on the PostgreSQL server of TEST_DATABASE_URL (dropped on close).
 */
export async function createTestDatabase(engine: Engine = 'pglite', opts: { dataDir?: string; migrate?: boolean } = {}): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const embedded = await EmbeddedPostgres.start({ dataDir: opts.dataDir });
    const dataSource = await openOrConnect(embedded.url, true, opts.migrate);
    return {
      engine,
      dataSource,
      url: embedded.url,
      async close() {
        if (dataSource.isInitialized) await dataSource.destroy();
        await embedded.stop();
      },
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `cn_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataSource = await openOrConnect(url.toString(), false, opts.migrate);
  return {
    engine,
    dataSource,
    url: url.toString(),
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Shorthand used by most repository tests. */
export async function createTestDataSource(engine: Engine = 'pglite'): Promise<DataSource> {
  const db = await createTestDatabase(engine);
  closers.set(db.dataSource, db.close);
  return db.dataSource;
}

const closers = new Map<DataSource, () => Promise<void>>();

export async function closeTestDataSource(ds: DataSource): Promise<void> {
  const close = closers.get(ds);
  closers.delete(ds);
  if (close) await close();
  else if (ds.isInitialized) await ds.destroy();
}

/**
 * Runs a suite once per engine, each with its own fresh database.
 *
 * @example
 *   describeEachEngine('PredictionRepository', (db) => {
 *     it('stores a round', async () => { await db().dataSource.query('...'); });
 *   });
 */
export function describeEachEngine(title: string, suite: (db: () => TestDatabase) => void): void {
  for (const engine of testEngines()) {
    describe(`${title} [${engine}]`, () => {
      let current: TestDatabase | undefined;
      beforeAll(async () => {
        current = await createTestDatabase(engine);
      }, 60_000);
      afterAll(async () => {
        await current?.close();
      }, 60_000);
      suite(() => {
        if (!current) throw new Error('test database not ready');
        return current;
      });
    });
  }
}

async function openOrConnect(url: string, embedded: boolean, migrate = true): Promise<DataSource> {
  if (migrate) return openDatabase(url, { embedded });
  const { dataSourceOptions } = await import('../../src/database/data-source.factory');
  const ds = new DataSource(dataSourceOptions(url, { embedded }));
  await ds.initialize();
  return ds;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
