import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AdminJob, AdminJobProgress } from '../../admin/jobs/admin-job';
import { AdminJobRepository } from '../../admin/jobs/admin-job.repository';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { PredictionRoundRepository } from '../../predict/round/prediction-round.repository';
import type { PredictionScore } from '../round-scoring';
import { ScoreCycleService } from '../score-cycle.service';
import { ScoreWindowRepository } from '../score-window.repository';
import { historySpanOf, readHistorySpan, readRescoreRange, RescoreRange } from './rescore-parameters';
import { bucketCorrections, RescoredPrediction, rescoreOrigins, rescoreRound } from './round-rescoring';
import { HistorySpan, ScoreHistoryService } from './score-history.service';

/** Stores a job's progress (inside a step's transaction when `em` is given). */
type ProgressReport = (next: AdminJobProgress, em?: EntityManager) => Promise<void>;

/** Tuning of rescores (all optional). */
export interface RescoreOptions {
  /** Rounds rescored per transaction (default 20): short transactions, so the embedded engine keeps serving reads. */
  roundsPerBatch?: number;
}

export const RESCORE_OPTIONS = Symbol('RESCORE_OPTIONS');

const ROUNDS_PER_BATCH = 20;
/** History progress is stored every this many cycles (and at the end). */
const CYCLES_PER_PROGRESS = 50;

/**
 * Runs admin jobs of scoring (`rescore`, `history-recompute`), resuming from their stored progress.
 *
 * A rescore walks the range's rounds (not void, with scored predictions) in `resolvable_at`
 * order, a batch at a time, while no cycle runs: ground truth fetched again (outside any
 * transaction), each round scored with the competition's current scorer as the cycles that
 * scored it would have (`rescoreRound`), then in one transaction the new scores replace the old
 * (`scored_at` kept), the window buckets get exactly new minus old, and the job's progress (the
 * last round done) is written. A job stopped anywhere resumes after its last committed batch,
 * so nothing is counted twice; running the same range again changes nothing. Then the history
 * of the cycles the range reaches is rewritten (ScoreHistoryService).
 */
@Injectable()
export class RescoreEngine {
  private readonly logger = new Logger(RescoreEngine.name);

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly scoreCycles: ScoreCycleService,
    private readonly rounds: PredictionRoundRepository,
    private readonly windows: ScoreWindowRepository,
    private readonly history: ScoreHistoryService,
    private readonly jobs: AdminJobRepository,
    @Optional() @Inject(RESCORE_OPTIONS) private readonly options: RescoreOptions = {},
  ) {}

  /** Runs `job` from its stored progress to the end; `onProgress` hears each stored step. Returns the final progress. */
  async run(job: AdminJob, onProgress?: (progress: AdminJobProgress) => void): Promise<AdminJobProgress> {
    let progress = { ...job.progress };
    const report: ProgressReport = async (next, em) => {
      await this.jobs.saveProgress(job.id, next, em);
      progress = next;
      onProgress?.(next);
    };
    let span: HistorySpan;
    if (job.kind === 'rescore') {
      const range = readRescoreRange(job.parameters);
      if (progress.phase === 'rounds') progress = await this.rescoreRounds(job.id, range, progress, report);
      span = historySpanOf(this.scoreCycles.buckets, range.fromMs, range.toMs);
    } else {
      span = readHistorySpan(job.parameters);
    }
    if (progress.phase !== 'done') {
      await report({ ...progress, phase: 'history', cyclesDone: 0 });
      const done = await this.history.recompute(span, async (cyclesDone, cyclesTotal) => {
        if (cyclesDone % CYCLES_PER_PROGRESS === 0 || cyclesDone === cyclesTotal) await report({ ...progress, cyclesDone, cyclesTotal });
      });
      await report({ ...progress, phase: 'done', cyclesDone: done.cycles, cyclesTotal: done.cycles });
    }
    return progress;
  }

  private async rescoreRounds(
    jobId: string,
    range: RescoreRange,
    start: AdminJobProgress,
    report: ProgressReport,
  ): Promise<AdminJobProgress> {
    let progress = start;
    if (progress.roundsTotal === null) {
      // Rounds already done count in the total, so a resumed job still reads "done of total".
      progress = { ...progress, roundsTotal: progress.roundsDone + (await this.countAfter(range, progress)) };
      await report(progress);
    }
    for (;;) {
      const batch = await this.rounds.roundsToRescore(range.fromMs, range.toMs, progress.cursor, Math.max(1, this.options?.roundsPerBatch ?? ROUNDS_PER_BATCH));
      if (batch.length === 0) break;
      const nowMs = this.clock.nowMs();
      const read = await this.rounds.readScoredForRescore(batch.map((r) => r.roundId));
      const { truths, waitingRoundIds } = await this.scoreCycles.settleTruth(rescoreOrigins(read), nowMs);
      const { rules, truthOf } = this.scoreCycles.roundRules(truths);
      const fresh = new Map<string, PredictionScore[]>();
      for (const [roundId, round] of groupByRound(read)) {
        if (!waitingRoundIds.has(roundId)) fresh.set(roundId, rescoreRound(round, truthOf, rules));
      }
      const last = batch[batch.length - 1];
      const next: AdminJobProgress = {
        ...progress,
        roundsDone: progress.roundsDone + batch.length,
        roundsWaiting: progress.roundsWaiting + batch.filter((r) => waitingRoundIds.has(r.roundId)).length,
        cursor: { roundId: last.roundId, resolvableAtMs: last.resolvableAtMs },
      };
      await this.scoreCycles.withCyclesHeld(() =>
        this.dataSource.transaction(async (em) => {
          const locked = await this.rounds.lockRoundsForRescore(em, [...fresh.keys()]);
          const scores = locked.flatMap((id) => fresh.get(id) ?? []);
          const rescored = new Set(scores.map((s) => s.id));
          // Predictions scored after the read (a late part of a round) keep the scores their cycle gave.
          const stored = (await this.rounds.storedScores(em, locked)).filter((s) => rescored.has(s.id));
          const emptied = await this.windows.correctBuckets(em, bucketCorrections(stored, scores, this.scoreCycles.buckets));
          await this.windows.repairCoverage(em, emptied);
          await this.rounds.rewriteScores(em, scores);
          await report(next, em);
        }),
      );
      progress = next;
    }
    const done: AdminJobProgress = { ...progress, phase: 'history' };
    await report(done);
    this.logger.log(`rescored ${progress.roundsDone} rounds of ${new Date(range.fromMs).toISOString()} .. ${new Date(range.toMs).toISOString()} (${progress.roundsWaiting} still waiting for ground truth)`);
    return done;
  }

  private async countAfter(range: RescoreRange, progress: AdminJobProgress): Promise<number> {
    if (progress.cursor === null) return this.rounds.countRoundsToRescore(range.fromMs, range.toMs);
    let n = 0;
    let cursor = progress.cursor;
    for (;;) {
      const page = await this.rounds.roundsToRescore(range.fromMs, range.toMs, cursor, 1000);
      n += page.length;
      if (page.length < 1000) return n;
      cursor = page[page.length - 1];
    }
  }
}

function groupByRound(predictions: readonly RescoredPrediction[]): Map<string, RescoredPrediction[]> {
  const byRound = new Map<string, RescoredPrediction[]>();
  for (const p of predictions) {
    const round = byRound.get(p.roundId);
    if (round) round.push(p);
    else byRound.set(p.roundId, [p]);
  }
  return byRound;
}
