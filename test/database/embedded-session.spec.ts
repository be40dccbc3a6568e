import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source.factory';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { withAdvisoryLock } from '../../src/score/advisory-lock';
import { describeEachEngine } from '../support/test-database';

describe('an embedded session of this process', () => {
  let embedded: EmbeddedPostgres;
  let dataSource: DataSource;

  beforeAll(async () => {
    embedded = await EmbeddedPostgres.start({});
    dataSource = await new DataSource(dataSourceOptions(embedded.url, { embedded: true, poolSize: 3 })).initialize();
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await embedded?.stop();
  });

  it('runs parameterised queries as named statements that every connection of the pool shares', async () => {
    await dataSource.query(`CREATE TABLE notes (id int PRIMARY KEY, body text)`);
    // Concurrent statements on several connections of one session: the same name is prepared once.
    await Promise.all(Array.from({ length: 12 }, (_, i) => dataSource.query(`INSERT INTO notes (id, body) VALUES ($1, $2)`, [i, `note ${i}`])));
    const prepared: Array<{ n: number }> = await dataSource.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO notes%'`);
    expect(prepared[0].n).toBe(1);
    const rows: Array<{ body: string }> = await dataSource.query(`SELECT body FROM notes WHERE id = ANY($1::int[]) ORDER BY id`, [[3, 7]]);
    expect(rows.map((r) => r.body)).toEqual(['note 3', 'note 7']);
  });

  it('reports a statement that fails to prepare as PostgreSQL words it, every time it is run', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(dataSource.query(`SELECT body FROM missing_table WHERE id = $1`, [1])).rejects.toThrow('relation "missing_table" does not exist');
    }
    await dataSource.query(`CREATE TABLE missing_table (id int, body text)`);
    expect(await dataSource.query(`SELECT body FROM missing_table WHERE id = $1`, [1])).toEqual([]);
  });
});

describeEachEngine('withAdvisoryLock', (db) => {
  it('holds the lock while the work runs on a server, and takes none on the embedded session', async () => {
    const { dataSource, engine } = db();
    const heldDuringWork = await withAdvisoryLock(dataSource, 'test-lock:embedded-session', async () => {
      // This key in this database only: other work on the same server (a parallel suite, a
      // benchmark's scoring cycles) may hold advisory locks of its own.
      const rows: Array<{ n: number }> = await dataSource.query(
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND objid = (hashtext($1)::bigint & 4294967295)::oid`,
        ['test-lock:embedded-session'],
      );
      return rows[0].n;
    });
    expect(heldDuringWork).toEqual({ acquired: true, result: engine === 'pglite' ? 0 : 1 });
  });
});
