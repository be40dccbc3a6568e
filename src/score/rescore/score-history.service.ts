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

/**
 * Rewrites the history of past cycles after their scores changed (a void, a rescore): each
 * cycle's snapshots as the cycle would have written them (`PredictionRoundRepository.windowTotalsAsOf`:
 * the predictions scored by then), its commitment, and its leaderboard; every later commitment
 * is chained again, and the first leaderboard after the span gets its trends from the rebuilt one.
 * Runs while no scoring cycle runs (`withCyclesHeld`), one short transaction per cycle.
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

  /** Rewrites the cycles of `span` (and chains the later ones); `onCycle` hears how far it got. */
  async recompute(span: HistorySpan, onCycle?: (done: number, total: number) => Promise<void>): Promise<{ cycles: number; leaderboards: number }> {
    return this.scoreCycles.withCyclesHeld(async () => {
      const id = this.competition.id;
      const [snapshotTimes, commitmentTimes, boards] = await Promise.all([
        this.snapshots.cycleTimesSince(span.fromMs),
        this.commitments.cycleTimesSince(id, span.fromMs),
        this.leaderboards.since(span.fromMs),
      ]);
      const boardsAt = new Map<number, Leaderboard[]>();
      for (const b of boards.since) boardsAt.set(b.createdAt.getTime(), [...(boardsAt.get(b.createdAt.getTime()) ?? []), b]);
      const committed = new Set(commitmentTimes);
      const times = [...new Set([...snapshotTimes, ...commitmentTimes, ...boardsAt.keys()])].sort((a, b) => a - b);
      const direction = this.scoreCycles.direction();
      let previous = boards.before;
      let trendsFixed = false;
      let rebuilt = 0;
      for (const [i, t] of times.entries()) {
        const board = boardsAt.get(t) ?? [];
        // The first leaderboard after the span still changes: its trends compare with the last rebuilt one.
        const rewrite = t < span.untilMs || (board.length > 0 && !trendsFixed);
        if (t >= span.untilMs && board.length > 0) trendsFixed = true;
        if (rewrite) {
          const standings = await this.standingsAsOf(t);
          await this.rewriteCycle(t, standings);
          for (const stored of board) {
            previous = await this.leaderboards.rebuild(stored, standings, direction, previous);
            rebuilt++;
          }
        } else {
          if (committed.has(t)) await this.dataSource.transaction((em) => this.commitments.commit(em, id, new Date(t), []));
          if (board.length > 0) previous = board[board.length - 1];
        }
        await onCycle?.(i + 1, times.length);
      }
      return { cycles: times.length, leaderboards: rebuilt };
    });
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
