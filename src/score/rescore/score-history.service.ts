import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import type { Leaderboard } from '../../leaderboard/leaderboard-entry';
import { LeaderboardService } from '../../leaderboard/leaderboard.service';
import { PredictionRoundRepository } from '../../predict/round/prediction-round.repository';
import { computeStandings, ModelStanding } from '../model-standing';
import { ScoreCommitmentRepository } from '../score-commitment.repository';
import { ScoreCycleService } from '../score-cycle.service';
import { ScoreSnapshotRepository } from '../score-snapshot.repository';
import { ScoreWindowRepository } from '../score-window.repository';

/** The past cycles whose snapshots a change of scores reaches: from `fromMs` (inclusive) to `untilMs` (exclusive). */
export interface HistorySpan {
  fromMs: number;
  untilMs: number;
}

/** Cycles to rewrite, read once per pass. */
interface CyclesToRewrite {
  times: number[];
  committed: ReadonlySet<number>;
  boardsAt: ReadonlyMap<number, Leaderboard[]>;
  /** The leaderboard just before the first time (the trends of the first rebuilt one). */
  before: Leaderboard | null;
}

/** Where a recompute stands. */
interface HistoryWalk {
  previous: Leaderboard | null;
  trendsFixed: boolean;
  cycles: number;
  leaderboards: number;
  lastMs: number;
}

/**
 * Rewrites the history of past cycles after their scores changed (a void, a rescore): each
 * cycle's snapshots as the cycle would have written them (`PredictionRoundRepository.windowTotalsAsOf`:
 * the predictions scored by then), its commitment, and its leaderboard; every later commitment
 * is chained again, and the first leaderboard after the span gets its trends from the rebuilt one.
 * Each cycle is rewritten while no scoring cycle runs (`withCyclesHeld`), in one short transaction.
 */
@Injectable()
export class ScoreHistoryService {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly dataSource: DataSource,
    private readonly scoreCycles: ScoreCycleService,
    private readonly predictions: PredictionRoundRepository,
    private readonly windows: ScoreWindowRepository,
    private readonly snapshots: ScoreSnapshotRepository,
    private readonly commitments: ScoreCommitmentRepository,
    private readonly leaderboards: LeaderboardService,
  ) {}

  /**
   * Rewrites the cycles of `span` (and chains the later ones); `onCycle` hears how far it got.
   * Each cycle is rewritten while no scoring cycle runs, one at a time, so live scoring goes on
   * between them; the cycles that ran meanwhile are then rewritten too (their commitments chain,
   * and their leaderboards' trends compare, after the rewritten ones), all held, to end consistent.
   */
  async recompute(span: HistorySpan, onCycle?: (done: number, total: number) => Promise<void>): Promise<{ cycles: number; leaderboards: number }> {
    const bulk = await this.cyclesSince(span.fromMs, null);
    const walk: HistoryWalk = { previous: bulk.before, trendsFixed: false, cycles: 0, leaderboards: 0, lastMs: span.fromMs - 1 };
    for (const t of bulk.times) {
      await this.scoreCycles.withCyclesHeld(() => this.rewriteAt(t, span, bulk, walk, false));
      await onCycle?.(walk.cycles, bulk.times.length);
    }
    await this.scoreCycles.withCyclesHeld(async () => {
      const meanwhile = await this.cyclesSince(walk.lastMs + 1, walk.previous);
      for (const t of meanwhile.times) await this.rewriteAt(t, span, meanwhile, walk, true);
    });
    await onCycle?.(walk.cycles, walk.cycles);
    return { cycles: walk.cycles, leaderboards: walk.leaderboards };
  }

  /** The cycle times at or after `fromMs` (snapshots, commitments, leaderboards), with the leaderboards by time. */
  private async cyclesSince(fromMs: number, previous: Leaderboard | null): Promise<CyclesToRewrite> {
    const [snapshotTimes, commitmentTimes, boards] = await Promise.all([
      this.snapshots.cycleTimesSince(fromMs),
      this.commitments.cycleTimesSince(this.competition.id, fromMs),
      this.leaderboards.since(fromMs),
    ]);
    const boardsAt = new Map<number, Leaderboard[]>();
    for (const b of boards.since) boardsAt.set(b.createdAt.getTime(), [...(boardsAt.get(b.createdAt.getTime()) ?? []), b]);
    const times = [...new Set([...snapshotTimes, ...commitmentTimes, ...boardsAt.keys()])].sort((a, b) => a - b);
    return { times, committed: new Set(commitmentTimes), boardsAt, before: previous ?? boards.before };
  }

  /**
   * One cycle: within the span (or `always`), its snapshots and commitment written again and its
   * leaderboards rebuilt; after it, the commitment chained again, and the first leaderboard's trends.
   */
  private async rewriteAt(t: number, span: HistorySpan, cycles: CyclesToRewrite, walk: HistoryWalk, always: boolean): Promise<void> {
    const board = cycles.boardsAt.get(t) ?? [];
    const rewrite = always || t < span.untilMs || (board.length > 0 && !walk.trendsFixed);
    if (t >= span.untilMs && board.length > 0) walk.trendsFixed = true;
    if (rewrite) {
      const standings = await this.standingsAsOf(t);
      await this.rewriteCycle(t, standings);
      for (const stored of board) {
        walk.previous = await this.leaderboards.rebuild(stored, standings, this.scoreCycles.direction(), walk.previous);
        walk.leaderboards++;
      }
    } else {
      if (cycles.committed.has(t)) await this.dataSource.transaction((em) => this.commitments.commit(em, this.competition.id, new Date(t), []));
      if (board.length > 0) walk.previous = board[board.length - 1];
    }
    walk.cycles++;
    walk.lastMs = t;
  }

  /** The standings the cycle at `atMs` computes from the predictions scored by then. */
  async standingsAsOf(atMs: number): Promise<ModelStanding[]> {
    const { windows, assetWeights } = this.competition.scoring;
    const buckets = this.scoreCycles.buckets;
    const [totals, coverage] = await Promise.all([
      this.predictions.windowTotalsAsOf(atMs, windows.map((w) => buckets.windowStartMs(atMs, w.seconds))),
      this.windows.firstScoredBuckets(),
    ]);
    return computeStandings(totals, coverage, windows, buckets, atMs, assetWeights);
  }

  /** The cycle's snapshots and commitment, written again together (the commitment chained after the newest earlier one). */
  private async rewriteCycle(atMs: number, standings: ModelStanding[]): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await this.snapshots.deleteAt(atMs, em);
      await this.snapshots.insert(standings, atMs, em);
      if (standings.length > 0) await this.commitments.commit(em, this.competition.id, new Date(atMs), standings);
      else await this.commitments.deleteAt(em, this.competition.id, new Date(atMs));
    });
  }
}
