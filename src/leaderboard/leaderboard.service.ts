import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Subject } from 'rxjs';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { ModelRegistryRepository } from '../predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../predict/round/prediction-round.repository';
import type { ModelStanding } from '../score/model-standing';
import { ScoreCycleService } from '../score/score-cycle.service';
import type { ScoreDirection } from '../score/scorers/scorer';
import { buildLeaderboardEntries, LeaderboardInputs } from './leaderboard-entries';
import type { Leaderboard } from './leaderboard-entry';
import { LeaderboardRepository } from './leaderboard.repository';

const DAY_MS = 86_400_000;
/**
 * Old leaderboards are pruned at most once an hour of cycle time: retention is counted in days,
 * and a delete every cycle (every minute) was one statement in fifteen of a scoring cycle.
 */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The leaderboard: rebuilt after every scoring cycle from that cycle's standings, stored
 * (history pruned after `retention.leaderboardsDays`, hourly, the latest always kept), served latest-only.
 *
 * @example
 *   const board = await leaderboards.latest(); // { id, createdAt, entries: [{ rank: 1, model_id, ... }] } | null
 *   leaderboards.leaderboardUpdated$.subscribe(({ createdAt }) => cache.invalidate(createdAt));
 */
@Injectable()
export class LeaderboardService implements OnModuleInit {
  /** Emits each time a new leaderboard is stored (in this process). */
  readonly leaderboardUpdated$ = new Subject<{ createdAt: Date }>();
  /** Cycle time from which the next refresh prunes. */
  private nextPruneAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly repository: LeaderboardRepository,
    private readonly scoreCycles: ScoreCycleService,
    private readonly models: ModelRegistryRepository,
    private readonly predictions: PredictionRoundRepository,
  ) {}

  onModuleInit(): void {
    this.scoreCycles.onCycleCompleted(async ({ standings, at, direction }) => {
      await this.refresh(standings, at, direction);
    });
  }

  /** The latest stored leaderboard, entries sorted by rank (unranked last); null before the first cycle. */
  latest(): Promise<Leaderboard | null> {
    return this.repository.latest(this.competition.id);
  }

  /** The leaderboard that was the newest at `at`; null when none was stored by then (or it was pruned). */
  asOf(at: Date): Promise<Leaderboard | null> {
    return this.repository.asOf(this.competition.id, at);
  }

  /** The first leaderboard computed at or after `at`; null until one is. */
  firstAtOrAfter(at: Date): Promise<Leaderboard | null> {
    return this.repository.firstAtOrAfter(this.competition.id, at);
  }

  /** Ranks `standings` at `at`, stores the leaderboard, prunes old ones, and announces it. */
  async refresh(standings: readonly ModelStanding[], at: Date, scorerDirection: ScoreDirection): Promise<Leaderboard> {
    const competitionId = this.competition.id;
    const [previous, models] = await Promise.all([this.repository.latest(competitionId), this.models.models(competitionId)]);
    const listedIds = [...new Set([...standings.map((s) => s.modelId), ...models.filter((m) => m.leftAt === null).map((m) => m.id)])];
    // Bounded to the last day first: a model that predicted since has its latest status there.
    const lastStatuses = await this.predictions.lastStatuses(listedIds, new Date(at.getTime() - DAY_MS));
    const leaderboard = this.rank(standings, at, scorerDirection, models, previous, lastStatuses);
    await this.repository.insert(competitionId, leaderboard);
    if (at.getTime() >= this.nextPruneAtMs) {
      await this.repository.pruneBefore(competitionId, new Date(at.getTime() - this.competition.retention.leaderboardsDays * DAY_MS));
      this.nextPruneAtMs = at.getTime() + PRUNE_EVERY_MS;
    }
    this.leaderboardUpdated$.next({ createdAt: at });
    return leaderboard;
  }

  /**
   * Rebuilds the stored leaderboard of a past cycle from recomputed `standings` (after a void or
   * a rescore): ranked as it would have been then (models that left later were still in, each
   * model's last status as that leaderboard had it), trends against the rebuilt `previous`.
   */
  async rebuild(stored: Leaderboard, standings: readonly ModelStanding[], scorerDirection: ScoreDirection, previous: Leaderboard | null): Promise<Leaderboard> {
    const at = stored.createdAt;
    const models = (await this.models.models(this.competition.id)).map((m) => ({ ...m, leftAt: m.leftAt !== null && m.leftAt.getTime() <= at.getTime() ? m.leftAt : null }));
    const lastStatuses = new Map(stored.entries.flatMap((e) => (e.last_status === null ? [] : [[e.model_id, e.last_status] as const])));
    const leaderboard = this.rank(standings, at, scorerDirection, models, previous, lastStatuses);
    await this.repository.replace(this.competition.id, stored.id, leaderboard);
    this.leaderboardUpdated$.next({ createdAt: at });
    return leaderboard;
  }

  /** The stored leaderboards at or after `fromMs`, and the one before them. */
  since(fromMs: number): Promise<{ before: Leaderboard | null; since: Leaderboard[] }> {
    return this.repository.since(this.competition.id, fromMs);
  }

  private rank(
    standings: readonly ModelStanding[],
    at: Date,
    scorerDirection: ScoreDirection,
    models: LeaderboardInputs['models'],
    previous: Leaderboard | null,
    lastStatuses: LeaderboardInputs['lastStatuses'],
  ): Leaderboard {
    const entries = buildLeaderboardEntries({
      standings,
      models,
      windowNames: this.competition.scoring.windows.map((w) => w.name),
      rules: this.competition.leaderboard,
      scorerDirection,
      previousRanks: new Map((previous?.entries ?? []).map((e) => [e.model_id, e.rank])),
      lastStatuses,
      assetWeights: this.competition.scoring.assetWeights,
    });
    return { id: randomUUID(), createdAt: at, entries };
  }
}
