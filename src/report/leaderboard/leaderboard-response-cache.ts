import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { LeaderboardRepository } from '../../leaderboard/leaderboard.repository';
import { CheckpointRepository } from '../../rewards/checkpoints/checkpoint.repository';
import { ScoreSnapshotRepository } from '../../score/score-snapshot.repository';
import { ReportLayoutService } from '../layout/report-layout.service';
import { LEADERBOARD_EVENTS, LeaderboardEvents } from '../report.tokens';
import { entriesMissingCompleteness, leaderboardView, RewardTotals, seedLeaderboard } from './leaderboard-views';

/** `seed`: GET /reports/leaderboard; `view`: GET /reports/leaderboard/view (the web page's). */
export type LeaderboardResponseName = 'seed' | 'view';

/**
 * Sent only while the database cannot be reached and the last good copy is served instead:
 * whole seconds since that copy was last confirmed to be the newest leaderboard.
 */
export const LEADERBOARD_AGE_HEADER = 'X-Leaderboard-Age';

/** A serialized response and its strong ETag, built once per leaderboard. */
export interface CachedJsonResponse {
  body: Buffer;
  etag: string;
  /** Id of the leaderboard it was built from; null when none exists yet. */
  leaderboardId: string | null;
  /** Set when this is the last good copy served during a database outage (LEADERBOARD_AGE_HEADER). */
  ageSeconds?: number;
}

interface CacheEntry {
  response: Promise<CachedJsonResponse>;
  /** When this copy was last confirmed to be the newest leaderboard. */
  checkedAtMs: number;
  nextCheckAtMs: number;
  revalidating: boolean;
  /** The last check could not reach the database: served with its age. */
  stale: boolean;
}

/** The newest copy built per response, with when it was last confirmed (kept through an outage). */
interface GoodCopy {
  response: CachedJsonResponse;
  checkedAtMs: number;
}

/**
 * Serves the latest leaderboard from memory: built once, kept until LEADERBOARD_EVENTS says a
 * new leaderboard was stored (or the leaderboard columns were edited here). Because another process may write leaderboards (report-only
 * replicas), an entry older than REVALIDATE_AFTER_MS is re-checked in the background with one
 * cheap query (newest leaderboard id) while the cached bytes keep being served.
 *
 * While the database cannot be reached (a failed re-check, or a rebuild after a new leaderboard
 * was announced), the last good copy keeps being served, with LEADERBOARD_AGE_HEADER saying how
 * old it is, and is re-checked every REVALIDATE_AFTER_MS; other failures are not cached.
 *
 * @example
 *   const { body, etag } = await cache.get('seed');
 */
@Injectable()
export class LeaderboardResponseCache implements OnModuleInit, OnModuleDestroy {
  static readonly REVALIDATE_AFTER_MS = 5_000;
  private readonly logger = new Logger('ReportLeaderboardCache');
  private readonly entries = new Map<LeaderboardResponseName, CacheEntry>();
  private readonly lastGood = new Map<LeaderboardResponseName, GoodCopy>();
  private subscription?: Subscription;

  constructor(
    private readonly leaderboards: LeaderboardRepository,
    private readonly snapshots: ScoreSnapshotRepository,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly layout: ReportLayoutService,
    private readonly checkpoints: CheckpointRepository,
    @Optional() @Inject(LEADERBOARD_EVENTS) private readonly events?: LeaderboardEvents,
  ) {}

  onModuleInit(): void {
    this.subscription = this.events?.subscribe({
      next: () => this.invalidate(),
      error: (err: unknown) => this.logger.warn(`leaderboard events stream failed, falling back to periodic checks: ${String(err)}`),
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Drops every cached response; the next request reads the newest leaderboard. */
  invalidate(): void {
    this.entries.clear();
  }

  get(name: LeaderboardResponseName): Promise<CachedJsonResponse> {
    const now = this.clock.nowMs();
    const entry = this.entries.get(name);
    if (!entry) return this.served(this.load(name, now), now);
    if (!entry.revalidating && now >= entry.nextCheckAtMs) void this.revalidate(name, entry);
    return this.served(entry, now);
  }

  /** The entry's response; a stale one is a copy carrying its age (only during an outage: the usual path allocates nothing). */
  private served(entry: CacheEntry, now: number): Promise<CachedJsonResponse> {
    if (!entry.stale) return entry.response;
    return entry.response.then((cached) => ({ ...cached, ageSeconds: ageSeconds(now, entry.checkedAtMs) }));
  }

  private load(name: LeaderboardResponseName, now: number): CacheEntry {
    const response = this.build(name).then(
      (built) => {
        this.lastGood.set(name, { response: built, checkedAtMs: now });
        return built;
      },
      (err: unknown) => this.lastGoodDuringOutage(name, entry, err),
    );
    const entry: CacheEntry = { response, checkedAtMs: now, nextCheckAtMs: now + LeaderboardResponseCache.REVALIDATE_AFTER_MS, revalidating: false, stale: false };
    this.entries.set(name, entry);
    // A failed read is not cached: the next request tries again.
    entry.response.catch(() => this.forget(name, entry));
    return entry;
  }

  /** The last good copy (with its age) when the database is unreachable; rethrows any other failure. */
  private lastGoodDuringOutage(name: LeaderboardResponseName, entry: CacheEntry, err: unknown): CachedJsonResponse {
    const good = this.lastGood.get(name);
    if (!good || !isDatabaseUnavailable(err)) throw err;
    this.logger.warn(`database unreachable, serving the leaderboard last confirmed at ${new Date(good.checkedAtMs).toISOString()}: ${(err as Error).message}`);
    Object.assign(entry, { stale: true, checkedAtMs: good.checkedAtMs });
    return { ...good.response, ageSeconds: ageSeconds(this.clock.nowMs(), good.checkedAtMs) };
  }

  private async revalidate(name: LeaderboardResponseName, entry: CacheEntry): Promise<void> {
    entry.revalidating = true;
    try {
      const [stamp, cached] = await Promise.all([this.leaderboards.latestStamp(this.competition.id), entry.response]);
      if ((stamp?.id ?? null) !== cached.leaderboardId) return this.forget(name, entry);
      const now = this.clock.nowMs();
      Object.assign(entry, { checkedAtMs: now, nextCheckAtMs: now + LeaderboardResponseCache.REVALIDATE_AFTER_MS });
      if (entry.stale) {
        // Back from an outage: the copy is current again and served without an age.
        const { ageSeconds: _age, ...current } = cached;
        entry.response = Promise.resolve(current);
        entry.stale = false;
        this.lastGood.set(name, { response: current, checkedAtMs: now });
      } else {
        this.lastGood.set(name, { response: cached, checkedAtMs: now });
      }
    } catch (err) {
      this.logger.warn(`could not re-check the latest leaderboard: ${(err as Error).message}`);
      if (isDatabaseUnavailable(err) && this.lastGood.has(name)) {
        // Keep serving this copy, marked with its age; check again later.
        Object.assign(entry, { stale: true, nextCheckAtMs: this.clock.nowMs() + LeaderboardResponseCache.REVALIDATE_AFTER_MS });
      } else this.forget(name, entry);
    } finally {
      entry.revalidating = false;
    }
  }

  private forget(name: LeaderboardResponseName, entry: CacheEntry): void {
    if (this.entries.get(name) === entry) this.entries.delete(name);
  }

  private async build(name: LeaderboardResponseName): Promise<CachedJsonResponse> {
    const board = await this.leaderboards.latest(this.competition.id);
    const entries = board?.entries ?? [];
    const windows = this.competition.scoring.windows;
    const rewards = board ? await this.rewardTotals() : null;
    let payload: unknown;
    if (name === 'seed') {
      // Rows carry every property the current columns name (the layout's edits invalidate this cache).
      const columns = board ? await this.layout.columns.list() : [];
      payload = board ? seedLeaderboard(board.createdAt, entries, windows.map((w) => w.name), columns.map((c) => c.property), rewards) : [];
    } else {
      // Only entries that do not carry their windows' completeness need the snapshot query.
      const incomplete = board ? entriesMissingCompleteness(entries, windows) : [];
      const snapshotWindows = board && incomplete.length > 0 ? await this.snapshots.latestWindows(incomplete, board.createdAt) : new Map();
      payload = leaderboardView(board?.createdAt ?? null, entries, windows, snapshotWindows, rewards);
    }
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    const digest = createHash('sha1').update(body).digest('base64url');
    return { body, etag: `"${name}-${digest}"`, leaderboardId: board?.id ?? null };
  }

  /** Null (rows say `reward: null`) when the competition pays no rewards and never paid any. */
  private async rewardTotals(): Promise<RewardTotals | null> {
    const totals = await this.checkpoints.rewardTotals(this.competition.id);
    return this.competition.rewards === undefined && totals.size === 0 ? null : totals;
  }
}

function ageSeconds(nowMs: number, checkedAtMs: number): number {
  return Math.max(0, Math.floor((nowMs - checkedAtMs) / 1000));
}
