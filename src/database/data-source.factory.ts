import { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseConnectError, describeConnectFailure, serverOf } from './database-connect-error';
import { MIGRATIONS } from './migrations';

/** TypeORM options shared by the app, the tests and the TypeORM CLI (`ormconfig.ts`). */
export function dataSourceOptions(url: string, opts: { embedded: boolean; poolSize?: number }): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    // The embedded server runs one statement at a time; a few connections are plenty and keep
    // the report API responsive while a writer holds a short transaction.
    poolSize: opts.poolSize ?? (opts.embedded ? 4 : 10),
    extra: { connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 },
  };
}

/** Connects and applies pending migrations (idempotent: applied ones are skipped); throws DatabaseConnectError when the first connection fails. */
export async function openDatabase(url: string, opts: { embedded: boolean; poolSize?: number }): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(url, opts));
  try {
    await ds.initialize();
  } catch (err) {
    throw new DatabaseConnectError(serverOf(url), describeConnectFailure(err));
  }
  try {
    await ds.runMigrations({ transaction: 'each' });
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  return ds;
}
