import * as fs from 'node:fs';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataDirInUseError, DataDirLock } from '../../database/data-dir-lock';
import { BackupError, writeCompletely } from './backup-file';

/**
 * Takes the data folder's lock for the length of `fn`: PGlite's folder has one owner, and a
 * backup of a folder a running coordinator writes to would be torn.
 */
async function withDataFolder<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(dataDir);
  } catch (err) {
    if (err instanceof DataDirInUseError) {
      throw new BackupError(`the embedded database at ${dataDir} is in use by process ${err.pid} (a running coordinator); stop it, then run this again`);
    }
    throw err;
  }
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** PGlite's own dump of `dataDir` (gzipped tar of the folder) into `outFile`; returns its size in bytes. */
export async function backupEmbeddedDatabase(dataDir: string, outFile: string): Promise<number> {
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) throw new BackupError(`there is no embedded database at ${dataDir} to back up (check DATA_DIR)`);
  return withDataFolder(dataDir, async () => {
    const db = await PGlite.create({ dataDir });
    try {
      const dump = await db.dumpDataDir('gzip');
      await writeCompletely(outFile, async (partial) => fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer())));
      return dump.size;
    } finally {
      await db.close();
    }
  });
}

/**
 * Unpacks an embedded backup into `dataDir`, which must not hold a database yet (restoring never
 * overwrites one); returns the number of migrations the restored database has applied.
 */
export async function restoreEmbeddedDatabase(inFile: string, dataDir: string): Promise<number> {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new BackupError(`${dataDir} already holds a database; move it away or set DATA_DIR to a new folder, then restore again`);
  }
  return withDataFolder(dataDir, async () => {
    let db: PGlite | undefined;
    try {
      db = await PGlite.create({ dataDir, loadDataDir: new Blob([fs.readFileSync(inFile)]) });
      const schema = await db.query<{ table: string | null }>(`SELECT to_regclass('public.typeorm_migrations')::text AS table`);
      if (schema.rows[0].table === null) throw new Error('it holds no coordinator database (no typeorm_migrations table)');
      const applied = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM typeorm_migrations`);
      return applied.rows[0].n;
    } catch (err) {
      await db?.close().catch(() => undefined);
      db = undefined;
      fs.rmSync(dataDir, { recursive: true, force: true }); // it was empty: leave nothing half-restored
      throw new BackupError(`${inFile} could not be restored: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      await db?.close();
    }
  });
}
