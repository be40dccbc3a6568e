import { DataSource } from 'typeorm';

/**
 * Runs `work` while holding a PostgreSQL session-level advisory lock named `name`, so that when
 * several instances share one database only one runs it at a time. The lock lives on a dedicated
 * connection that is not inside a transaction (it blocks nobody) and is released when `work`
 * ends, or by the server if the process dies. Returns `{ acquired: false }` when another
 * session holds it. (The embedded engine has a single session, where the lock always succeeds.)
 *
 * @example
 *   const run = await withAdvisoryLock(dataSource, 'score-cycle:condorgame', () => cycle());
 *   if (!run.acquired) logger.debug('another instance is scoring');
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  name: string,
  work: () => Promise<T>,
): Promise<{ acquired: true; result: T } | { acquired: false }> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const rows: Array<{ locked: boolean }> = await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [name]);
    if (!rows[0]?.locked) return { acquired: false };
    try {
      return { acquired: true, result: await work() };
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [name]);
    }
  } finally {
    await runner.release();
  }
}
