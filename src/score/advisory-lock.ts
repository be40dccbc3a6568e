import { DataSource } from 'typeorm';
import { isEmbeddedSession } from '../database/embedded-statements';

/**
 * Every advisory lock the coordinator takes, by name (the key is `<name>:<competition id>`, see
 * `advisoryLockKey`): one place to see what can exclude what.
 */
export enum AdvisoryLockName {
  /** A scoring cycle; also held by each batch of a rescore and by the history recompute, so they never interleave with a cycle. */
  ScoreCycle = 'score-cycle',
  ScoreRetention = 'score-retention',
  RewardCheckpoint = 'reward-checkpoint',
  /** The admin-job runner (rescores, history recomputes): one runner at a time, and a job marked running with this lock free was left by a dead process. */
  AdminJobs = 'admin-jobs',
}

/** The lock key of `lock` for one competition. */
export function advisoryLockKey(lock: AdvisoryLockName, competitionId: string): string {
  return `${lock}:${competitionId}`;
}

/**
 * Runs `work` while holding a PostgreSQL session-level advisory lock named `name`, so that when
 * several instances share one database only one runs it at a time. The lock lives on a dedicated
 * connection that is not inside a transaction (it blocks nobody) and is released when `work`
 * ends, or by the server if the process dies. Returns `{ acquired: false }` when another
 * session holds it. The embedded engine of this process is a single session, where the lock
 * would always succeed: there `work` runs without it (two queries fewer every scoring cycle).
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
  if (isEmbeddedSession((dataSource.options as { url?: string }).url)) return { acquired: true, result: await work() };
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
