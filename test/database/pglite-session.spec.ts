import { createTestDatabase } from '../support/test-database';

/**
 * PGlite is one session behind several socket connections: the embedded server must keep each
 * connection's extended-protocol sequence (Parse/Bind/Execute/Sync) and transaction together.
 */
describe('embedded database with several connections', () => {
  it('runs concurrent parameterised statements from different connections without mixing them up', async () => {
    const db = await createTestDatabase('pglite');
    try {
      const insert = async (subject: string, n: number) => {
        const params: unknown[] = ['src', 'price', ''];
        const rows: string[] = [];
        for (let i = 0; i < n; i++) {
          const b = params.length;
          params.push(subject, new Date(1e12 + i * 5000).toISOString(), JSON.stringify({ price: 1 + i }));
          rows.push(`($1, $${b + 1}, $2, $3, $${b + 2}::timestamptz, $${b + 3}::jsonb)`);
        }
        await db.dataSource.query(`INSERT INTO feed_records (source, subject, kind, granularity, ts, "values") VALUES ${rows.join(', ')}`, params);
      };
      const probes = Array.from({ length: 20 }, (_, i) => db.dataSource.query('SELECT $1::int AS x, $2::text AS y', [i, `p${i}`]));
      const [, , , ...answers] = await Promise.all([insert('A', 600), insert('B', 600), insert('C', 10), ...probes]);
      expect(answers.map((rows) => rows[0])).toEqual(Array.from({ length: 20 }, (_, i) => ({ x: i, y: `p${i}` })));
      const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM feed_records');
      expect(n).toBe(1210);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('keeps a transaction isolated: other connections wait until it commits', async () => {
    const db = await createTestDatabase('pglite');
    try {
      const runner = db.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      await runner.query(`INSERT INTO competitions (id, name, definition) VALUES ('tx', 'inside', '{}')`);
      const outside = db.dataSource.query(`SELECT name FROM competitions WHERE id = 'tx'`);
      await new Promise((r) => setTimeout(r, 50));
      await runner.commitTransaction();
      await runner.release();
      expect(await outside).toEqual([{ name: 'inside' }]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('rolls back a transaction whose connection drops, and serves the others', async () => {
    const db = await createTestDatabase('pglite');
    try {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: db.url });
      client.on('error', () => undefined); // the drop below is deliberate
      await client.connect();
      await client.query('BEGIN');
      await client.query(`INSERT INTO competitions (id, name, definition) VALUES ('lost', 'x', '{}')`);
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      const rows = await db.dataSource.query(`SELECT count(*)::int AS n FROM competitions WHERE id = 'lost'`);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
