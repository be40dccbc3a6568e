import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { DEAD_ROWS_THRESHOLD, EmbeddedVacuumService } from '../../src/database/embedded-vacuum.service';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Issue 15 (long embedded runs): the autovacuum PGlite does not run. */
describe('EmbeddedVacuumService on the embedded session', () => {
  let db: TestDatabase;
  let vacuum: EmbeddedVacuumService;

  beforeEach(async () => {
    db = await createTestDatabase('pglite', { migrate: false });
    const moduleRef = await Test.createTestingModule({ providers: [EmbeddedVacuumService, { provide: DataSource, useValue: db.dataSource }] }).compile();
    vacuum = moduleRef.get(EmbeddedVacuumService);
    // A queue like the unscored predictions': rows due at ever later times, deleted once due.
    await db.dataSource.query(`CREATE TABLE queue (id serial PRIMARY KEY, due timestamptz NOT NULL)`);
    await db.dataSource.query(`CREATE INDEX queue_due ON queue (due)`);
    await db.dataSource.query(`CREATE TABLE steady (id int PRIMARY KEY, note text)`);
  }, 60_000);

  afterEach(async () => db?.close());

  /** Adds `rows` rows due in round `round`, then deletes those of the rounds before it. */
  async function churn(round: number, rows: number): Promise<void> {
    await db.dataSource.query(`INSERT INTO queue (due) SELECT timestamptz '2026-01-01' + make_interval(mins => $1) + g * interval '1 ms' FROM generate_series(1, $2) g`, [round, rows]);
    await db.dataSource.query(`DELETE FROM queue WHERE due < timestamptz '2026-01-01' + make_interval(mins => $1)`, [round]);
  }

  const deadRows = async (table: string): Promise<number> => {
    await db.dataSource.query('SELECT pg_stat_force_next_flush()');
    const rows: Array<{ dead: number }> = await db.dataSource.query(`SELECT n_dead_tup::int AS dead FROM pg_stat_user_tables WHERE relname = $1`, [table]);
    return rows[0].dead;
  };

  it('vacuums the tables whose dead rows passed autovacuum\'s threshold, and leaves the others', async () => {
    await churn(0, 1000);
    await churn(1, 1000); // 1,000 dead, 1,000 live: past 50 + 0.2 x 1,000
    await db.dataSource.query(`INSERT INTO steady SELECT g, 'kept' FROM generate_series(1, 1000) g`);
    await db.dataSource.query(`DELETE FROM steady WHERE id <= $1`, [DEAD_ROWS_THRESHOLD]); // 50 dead: not past it
    expect(await vacuum.tablesDue()).toEqual([{ table: 'public.queue', deadRows: 1000 }]);

    const run = await vacuum.run();
    expect(run.map((v) => [v.table, v.deadRows])).toEqual([['public.queue', 1000]]);
    expect(await deadRows('queue')).toBe(0);
    expect(await deadRows('steady')).toBe(DEAD_ROWS_THRESHOLD);
    expect(await vacuum.run()).toEqual([]);
  });

  it('keeps the index on an ever-later key from growing with every row it ever held', async () => {
    const indexBytes = async () => ((await db.dataSource.query(`SELECT pg_relation_size('queue_due')::int AS bytes`)) as Array<{ bytes: number }>)[0].bytes;
    for (let round = 0; round < 30; round++) await churn(round, 1000);
    const unvacuumed = await indexBytes();
    await db.dataSource.query(`TRUNCATE queue`);
    for (let round = 0; round < 30; round++) {
      await churn(round, 1000);
      await vacuum.run();
    }
    const vacuumed = await indexBytes();
    // Pages for every entry ever inserted, against about two rounds' worth.
    expect(vacuumed).toBeLessThan(unvacuumed / 4);
  });

  it('waits for another connection\'s open transaction to end instead of failing inside it', async () => {
    await churn(0, 1000);
    await churn(1, 1000);
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`INSERT INTO steady VALUES (1, 'in a transaction')`);
      let settled = false;
      const run = vacuum.run().finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await runner.commitTransaction();
      expect((await run).map((v) => v.table)).toEqual(['public.queue']);
    } finally {
      await runner.release();
    }
    expect(await deadRows('queue')).toBe(0);
    expect(await db.dataSource.query(`SELECT note FROM steady`)).toEqual([{ note: 'in a transaction' }]);
  });
});
