import type { DependencyCheck } from './health.registry';

/** Scoring intervals a leaderboard may age before /healthz is degraded (one cycle stores one). */
export const LEADERBOARD_STALE_INTERVALS = 3;

/**
 * The `leaderboard` check of /healthz: degraded when the newest leaderboard is older than three
 * scoring intervals; before any exists, counted from `sinceMs` (when this instance started), so
 * a pipeline that never stores one is reported too.
 *
 * @example
 *   leaderboardAgeCheck(new Date('2026-01-01T12:00:00Z'), 0, Date.parse('2026-01-01T12:01:00Z'), 15);
 *   // { status: 'degraded', reason: 'the newest leaderboard is 60 s old (more than 3 scoring intervals of 15 s)', ... }
 */
export function leaderboardAgeCheck(newestCreatedAt: Date | null, sinceMs: number, nowMs: number, intervalSeconds: number): DependencyCheck {
  const limitSeconds = LEADERBOARD_STALE_INTERVALS * intervalSeconds;
  const ageSeconds = Math.round((nowMs - (newestCreatedAt?.getTime() ?? sinceMs)) / 1000);
  const newest = newestCreatedAt?.toISOString() ?? null;
  if (ageSeconds <= limitSeconds) return { status: 'up', newestCreatedAt: newest, ageSeconds };
  const what = newestCreatedAt ? `the newest leaderboard is ${ageSeconds} s old` : `no leaderboard stored in the ${ageSeconds} s since start`;
  return {
    status: 'degraded',
    reason: `${what} (more than ${LEADERBOARD_STALE_INTERVALS} scoring intervals of ${intervalSeconds} s)`,
    newestCreatedAt: newest,
    ageSeconds,
  };
}
