import type { Observable } from 'rxjs';

/**
 * Emits each time a new leaderboard has been stored. The report's leaderboard cache drops its
 * responses on every emission (the value is ignored). Optional: without it (or in a report-only
 * replica) the cache still re-checks the newest leaderboard id every few seconds.
 *
 * @example
 *   // in the app module, once LeaderboardService exists:
 *   { provide: LEADERBOARD_EVENTS, inject: [LeaderboardService], useFactory: (s: LeaderboardService) => s.leaderboardUpdated$ }
 */
export const LEADERBOARD_EVENTS = Symbol('LEADERBOARD_EVENTS');

export type LeaderboardEvents = Observable<unknown>;
