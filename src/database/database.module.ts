import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.tokens';
import { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/config-error';
import { DatabaseConnectError } from './database-connect-error';
import { EmbeddedPostgres, embeddedDatabaseDir } from './embedded-postgres';
import { connectDatabase, openDatabase } from './data-source.factory';
import { REPORT_DATA_SOURCE } from './report-data-source';

/**
 * Owns the database connections: opens the main one (embedded or server) and migrates it, opens
 * the report's read-only one when REPORT_DATABASE_URL is set, and closes them last.
 */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private embedded?: EmbeddedPostgres;
  dataSource?: DataSource;
  /** The report's own pool (REPORT_DATABASE_URL), when it is not the main one. */
  reportDataSource?: DataSource;
  mode: 'embedded' | 'postgres' = 'embedded';

  async open(config: AppConfig): Promise<DataSource> {
    if (config.databaseUrl) {
      this.mode = 'postgres';
      this.dataSource = await openDatabase(config.databaseUrl, { embedded: false });
      this.logger.log('connected to PostgreSQL (DATABASE_URL)');
    } else {
      const dataDir = embeddedDatabaseDir(config.dataDir);
      this.embedded = await EmbeddedPostgres.start({ dataDir, port: config.embeddedDbPort });
      this.dataSource = await openDatabase(this.embedded.url, { embedded: true });
      this.logger.log(`embedded PostgreSQL (PGlite) at ${dataDir}`);
    }
    return this.dataSource;
  }

  /** The connection the report reads through: REPORT_DATABASE_URL's pool on an instance with the report role, else `main`. */
  async openReportConnection(config: AppConfig, main: DataSource): Promise<DataSource> {
    if (config.reportDatabaseUrl === undefined || !config.roles.includes('report')) return main;
    try {
      this.reportDataSource = await connectDatabase(config.reportDatabaseUrl, { embedded: false, readOnly: true });
    } catch (err) {
      // Named after its own variable: the start-failure line must not blame DATABASE_URL.
      if (err instanceof DatabaseConnectError) throw new ConfigError('REPORT_DATABASE_URL', err.message);
      throw err;
    }
    this.logger.log('report routes read through REPORT_DATABASE_URL (read-only)');
    return this.reportDataSource;
  }

  /** `SELECT 1` on the main connection, and on the report's (`report`) when it has its own: either down is the database down. */
  async ping(): Promise<DatabasePing> {
    const main = await pingOne(this.dataSource!);
    if (this.reportDataSource === undefined) return { ...main, mode: this.mode };
    const report = await pingOne(this.reportDataSource);
    return { status: main.status === 'up' && report.status === 'up' ? 'up' : 'down', mode: this.mode, latencyMs: main.latencyMs, error: main.error, report };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.reportDataSource?.isInitialized) await this.reportDataSource.destroy();
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}

// Type aliases, not interfaces: the health registry's check type has an index signature.
type ConnectionPing = {
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
};

export type DatabasePing = ConnectionPing & {
  mode: string;
  /** The REPORT_DATABASE_URL pool, when there is one. */
  report?: ConnectionPing;
};

async function pingOne(ds: DataSource): Promise<ConnectionPing> {
  const started = Date.now();
  try {
    await ds.query('SELECT 1');
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (err) {
    return { status: 'down', error: (err as Error).message };
  }
}

@Global()
@Module({
  providers: [
    DatabaseLifecycle,
    {
      provide: DataSource,
      inject: [DatabaseLifecycle, APP_CONFIG],
      useFactory: (lifecycle: DatabaseLifecycle, config: AppConfig) => lifecycle.open(config),
    },
    {
      provide: REPORT_DATA_SOURCE,
      inject: [DatabaseLifecycle, APP_CONFIG, DataSource],
      useFactory: (lifecycle: DatabaseLifecycle, config: AppConfig, main: DataSource) => lifecycle.openReportConnection(config, main),
    },
  ],
  exports: [DataSource, REPORT_DATA_SOURCE, DatabaseLifecycle],
})
export class DatabaseModule {
  constructor(@Inject(DataSource) readonly dataSource: DataSource) {}
}
