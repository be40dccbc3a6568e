import type { JobRunRecord } from '../clock/job-scheduler';
import type { DependencyCheck } from './health.registry';

/**
 * Slots skipped in a row (the previous run still going) after which a predict job makes /healthz
 * degraded: one skip is a slow round, three mean models stopped getting ticks or predicts.
 */
export const SKIPPED_RUNS_DEGRADED = 3;

/**
 * The `schedules` check of /healthz: degraded while any of `jobs` skipped its last
 * SKIPPED_RUNS_DEGRADED slots or more.
 *
 * @example
 *   skippedJobsCheck([['predict:tick', { lastFinishedSlotMs: null, skippedInARow: 3 }]]);
 *   // { status: 'degraded', reason: 'predict:tick skipped its last 3 runs (the previous run was still going)', ... }
 */
export function skippedJobsCheck(jobs: ReadonlyArray<readonly [name: string, record: Readonly<JobRunRecord> | undefined]>): DependencyCheck {
  const behind = jobs.filter(([, record]) => (record?.skippedInARow ?? 0) >= SKIPPED_RUNS_DEGRADED);
  if (behind.length === 0) return { status: 'up' };
  return {
    status: 'degraded',
    reason: behind.map(([name, record]) => `${name} skipped its last ${record!.skippedInARow} runs (the previous run was still going)`).join('; '),
    skippedInARow: Object.fromEntries(behind.map(([name, record]) => [name, record!.skippedInARow])),
  };
}
