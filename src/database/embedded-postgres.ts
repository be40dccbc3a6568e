import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PGliteSessionQueue } from './pglite-session-queue';
import { DataDirLock } from './data-dir-lock';
import { EmbeddedStatements, registerEmbeddedSession } from './embedded-statements';

/** Where the embedded database of a DATA_DIR lives (the app, backups and restores agree on it). */
export function embeddedDatabaseDir(dataDir: string): string {
  return path.join(dataDir, 'pglite');
}

/**
 * PostgreSQL embedded in the process (PGlite, WASM) and served on a loopback socket, so the app
 * reaches it through the standard `pg` driver with exactly the SQL it uses against a server.
 *
 * @example
 *   const embedded = await EmbeddedPostgres.start({ dataDir: './data/pg' });
 *   const ds = new DataSource({ type: 'postgres', url: embedded.url, ... });
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
    private readonly lock?: DataDirLock,
  ) {}

  /** `dataDir` undefined keeps the database in memory (tests). */
  static async start(opts: { dataDir?: string; port?: number; maxConnections?: number }): Promise<EmbeddedPostgres> {
    const lock = opts.dataDir ? DataDirLock.acquire(opts.dataDir) : undefined;
    let db: PGlite;
    try {
      db = await PGlite.create(opts.dataDir ? { dataDir: opts.dataDir } : {});
    } catch (err) {
      lock?.release();
      throw err;
    }
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: opts.port ?? 0,
      maxConnections: opts.maxConnections ?? 16,
    });
    // Replace pglite-socket's queue (see PGliteSessionQueue) before any connection arrives.
    (server as unknown as { queryQueue: PGliteSessionQueue }).queryQueue = new PGliteSessionQueue(db);
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    const url = `postgres://postgres@${host}:${port}/postgres`;
    registerEmbeddedSession(url, new EmbeddedStatements());
    return new EmbeddedPostgres(db, server, url, lock);
  }

  async stop(): Promise<void> {
    registerEmbeddedSession(this.url, null);
    await this.server.stop();
    if (!this.db.closed) await this.db.close();
    this.lock?.release();
  }
}
