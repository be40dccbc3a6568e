import * as path from 'node:path';
import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.tokens';
import { AppConfig } from '../config/app-config';
import { EmbeddedPostgres } from './embedded-postgres';
import { openDatabase } from './data-source.factory';

/** Owns the database connection: opens it (embedded or server), migrates, and closes it last. */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private embedded?: EmbeddedPostgres;
  dataSource?: DataSource;
  mode: 'embedded' | 'postgres' = 'embedded';

  async open(config: AppConfig): Promise<DataSource> {
    if (config.databaseUrl) {
      this.mode = 'postgres';
      this.dataSource = await openDatabase(config.databaseUrl, { embedded: false });
      this.logger.log('connected to PostgreSQL (DATABASE_URL)');
    } else {
      const dataDir = path.join(config.dataDir, 'pglite');
      this.embedded = await EmbeddedPostgres.start({ dataDir, port: config.embeddedDbPort });
      this.dataSource = await openDatabase(this.embedded.url, { embedded: true });
      this.logger.log(`embedded PostgreSQL (PGlite) at ${dataDir}`);
    }
    return this.dataSource;
  }

  async ping(): Promise<{ status: 'up' | 'down'; mode: string; latencyMs?: number; error?: string }> {
    const started = Date.now();
    try {
      await this.dataSource!.query('SELECT 1');
      return { status: 'up', mode: this.mode, latencyMs: Date.now() - started };
    } catch (err) {
      return { status: 'down', mode: this.mode, error: (err as Error).message };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource?.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
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
  ],
  exports: [DataSource, DatabaseLifecycle],
})
export class DatabaseModule {
  constructor(@Inject(DataSource) readonly dataSource: DataSource) {}
}
