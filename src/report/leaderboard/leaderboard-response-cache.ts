import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { LeaderboardRepository } from '../../leaderboard/leaderboard.repository';
import { ScoreSnapshotRepository } from '../../score/score-snapshot.repository';
import { ReportLayoutService } from '../layout/report-layout.service';
import { LEADERBOARD_EVENTS, LeaderboardEvents } from '../report.tokens';
import { entriesMissingCompleteness, leaderboardView, seedLeaderboard } from './leaderboard-views';

/** `seed`: GET /reports/leaderboard; `view`: GET /reports/leaderboard/view (the web page's). */
export type LeaderboardResponseName = 'seed' | 'view';

/** A serialized response and its strong ETag, built once per leaderboard. */
export interface CachedJsonResponse {
  body: Buffer;
  etag: string;
  /** Id of the leaderboard it was built from; null when none exists yet. */
  leaderboardId: string | null;
}

interface CacheEntry {
  response: Promise<CachedJsonResponse>;
  checkedAtMs: number;
  revalidating: boolean;
}

/**
 * Serves the latest leaderboard from memory: built once, kept until LEADERBOARD_EVENTS says a
 * new leaderboard was stored (or the leaderboard columns were edited here). Because another process may write leaderboards (report-only
 * replicas), an entry older than REVALIDATE_AFTER_MS is re-checked in the background with one
 * cheap query (newest leaderboard id) while the cached bytes keep being served.
 *
 * @example
 *   const { body, etag } = await cache.get('seed');
 */
@Injectable()
export class LeaderboardResponseCache implements OnModuleInit, OnModuleDestroy {
  static readonly REVALIDATE_AFTER_MS = 5_000;
  private readonly logger = new Logger('ReportLeaderboardCache');
  private readonly entries = new Map<LeaderboardResponseName, CacheEntry>();
  private subscription?: Subscription;

  constructor(
    private readonly leaderboards: LeaderboardRepository,
    private readonly snapshots: ScoreSnapshotRepository,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly layout: ReportLayoutService,
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
    if (!entry) return this.load(name, now);
    if (!entry.revalidating && now - entry.checkedAtMs >= LeaderboardResponseCache.REVALIDATE_AFTER_MS) void this.revalidate(name, entry);
    return entry.response;
  }

  private load(name: LeaderboardResponseName, now: number): Promise<CachedJsonResponse> {
    const entry: CacheEntry = { response: this.build(name), checkedAtMs: now, revalidating: false };
    this.entries.set(name, entry);
    // A failed read is not cached: the next request tries again.
    entry.response.catch(() => this.forget(name, entry));
    return entry.response;
  }

  private async revalidate(name: LeaderboardResponseName, entry: CacheEntry): Promise<void> {
    entry.revalidating = true;
    try {
      const [stamp, cached] = await Promise.all([this.leaderboards.latestStamp(this.competition.id), entry.response]);
      if ((stamp?.id ?? null) === cached.leaderboardId) entry.checkedAtMs = this.clock.nowMs();
      else this.forget(name, entry);
    } catch (err) {
      this.logger.warn(`could not re-check the latest leaderboard: ${(err as Error).message}`);
      this.forget(name, entry);
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
    let payload: unknown;
    if (name === 'seed') {
      // Rows carry every property the current columns name (the layout's edits invalidate this cache).
      const columns = board ? await this.layout.columns.list() : [];
      payload = board ? seedLeaderboard(board.createdAt, entries, windows.map((w) => w.name), columns.map((c) => c.property)) : [];
    } else {
      // Only entries that do not carry their windows' completeness need the snapshot query.
      const incomplete = board ? entriesMissingCompleteness(entries, windows) : [];
      const snapshotWindows = board && incomplete.length > 0 ? await this.snapshots.latestWindows(incomplete, board.createdAt) : new Map();
      payload = leaderboardView(board?.createdAt ?? null, entries, windows, snapshotWindows);
    }
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    const digest = createHash('sha1').update(body).digest('base64url');
    return { body, etag: `"${name}-${digest}"`, leaderboardId: board?.id ?? null };
  }
}
