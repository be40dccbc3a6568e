import { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseConnectError, describeConnectFailure, serverOf } from './database-connect-error';
import { embeddedSessionClient } from './embedded-statements';
import { MIGRATIONS } from './migrations';

export interface ConnectionOptions {
  embedded: boolean;
  poolSize?: number;
  /** Every transaction of the pool starts read-only (the report connection): a write fails even if the role could write. */
  readOnly?: boolean;
}

/** TypeORM options shared by the app, the tests and the TypeORM CLI (`ormconfig.ts`). */
export function dataSourceOptions(url: string, opts: ConnectionOptions): DataSourceOptions {
  const embeddedClient = embeddedSessionClient(url);
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
    extra: {
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      ...(opts.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
      // An embedded session of this process shares its prepared statements across connections (embedded-statements.ts).
      ...(embeddedClient ? { Client: embeddedClient } : {}),
    },
  };
}

/** Connects without migrating (a read-only role could not); throws DatabaseConnectError when the first connection fails. */
export async function connectDatabase(url: string, opts: ConnectionOptions): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(url, opts));
  try {
    await ds.initialize();
  } catch (err) {
    throw new DatabaseConnectError(serverOf(url), describeConnectFailure(err));
  }
  return ds;
}

/** Connects and applies pending migrations (idempotent: applied ones are skipped); throws DatabaseConnectError when the first connection fails. */
export async function openDatabase(url: string, opts: ConnectionOptions): Promise<DataSource> {
  const ds = await connectDatabase(url, opts);
  try {
    await ds.runMigrations({ transaction: 'each' });
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  return ds;
}
