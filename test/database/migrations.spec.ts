import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, describeEachEngine } from '../support/test-database';
import { MIGRATIONS } from '../../src/database/migrations';

const TABLES = ['competitions', 'prediction_configs', 'models', 'prediction_rounds', 'predictions', 'score_buckets', 'score_snapshots', 'leaderboards', 'feed_records'];

describeEachEngine('migrations', (db) => {
  it('create every pipeline table on an empty database', async () => {
    const rows: Array<{ table_name: string }> = await db().dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const names = rows.map((r) => r.table_name);
    for (const table of TABLES) expect(names).toContain(table);
  });

  it('are idempotent: running them again applies nothing', async () => {
    const applied = await db().dataSource.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(0);
    const recorded: Array<{ count: string }> = await db().dataSource.query(`SELECT count(*)::text AS count FROM typeorm_migrations`);
    expect(Number(recorded[0].count)).toBe(MIGRATIONS.length);
  });

  it('use timestamptz for every time column', async () => {
    const rows: Array<{ column_name: string; data_type: string }> = await db().dataSource.query(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND (column_name LIKE '%\\_at' OR column_name IN ('ts', 'bucket_start'))`,
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect([row.column_name, row.data_type]).toEqual([row.column_name, 'timestamp with time zone']);
  });

  it('can all be reverted and applied again', async () => {
    const ds = db().dataSource;
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const afterUndo: Array<{ n: string }> = await ds.query(`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'predictions'`);
    expect(afterUndo[0].n).toBe('0');
    await ds.runMigrations({ transaction: 'each' });
    const afterRedo: Array<{ n: string }> = await ds.query(`SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'predictions'`);
    expect(afterRedo[0].n).toBe('1');
  });
});

describe('embedded database on disk', () => {
  it('finds data written before a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-pglite-'));
    try {
      const first = await createTestDatabase('pglite', { dataDir });
      await first.dataSource.query(`INSERT INTO competitions (id, name, definition) VALUES ('c1', 'kept', '{}')`);
      await first.close();

      const second = await createTestDatabase('pglite', { dataDir });
      const rows: Array<{ name: string }> = await second.dataSource.query(`SELECT name FROM competitions WHERE id = 'c1'`);
      await second.close();
      expect(rows).toEqual([{ name: 'kept' }]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('embedded database folder', () => {
  it('refuses a second process on the same folder, naming the holder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-lock-'));
    const { DataDirLock, DataDirInUseError } = await import('../../src/database/data-dir-lock');
    const { spawn } = await import('node:child_process');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(`${path.join(dataDir, 'pglite')}.lock`, String(other.pid));
      expect(() => DataDirLock.acquire(path.join(dataDir, 'pglite'))).toThrow(DataDirInUseError);
      other.kill();
      await new Promise((r) => other.once('exit', r));
      // The holder is gone: its stale lock is taken over.
      const lock = DataDirLock.acquire(path.join(dataDir, 'pglite'));
      expect(fs.readFileSync(`${path.join(dataDir, 'pglite')}.lock`, 'utf8')).toBe(String(process.pid));
      lock.release();
    } finally {
      other.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
