import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { Subject } from 'rxjs';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { JobScheduler } from '../clock/job-scheduler';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { withAdvisoryLock } from './advisory-lock';
import { bucketIncrements } from './bucket-increments';
import { shortReason } from './failure-reason';
import { GROUND_TRUTH, GroundTruthSource } from './ground-truth.source';
import { computeStandings, ModelStanding } from './model-standing';
import { PredictionScore, scoreRound, SettledTruth, truthKey } from './round-scoring';
import { DueRoundOrigin, ScoreCycleRepository } from './score-cycle.repository';
import { ScoreSnapshotRepository } from './score-snapshot.repository';
import { ScoreWindowRepository } from './score-window.repository';
import { ScorerRegistry } from './scorers/scorer.registry';
import type { ScoreDirection } from './scorers/scorer';
import { WindowBuckets } from './window-buckets';

/** Tuning of scoring cycles (all optional). */
export interface ScoreCycleOptions {
  /** Predictions claimed per transaction (whole rounds, so a batch may exceed it by one round). Default 1000. */
  batchPredictions?: number;
  /** Register the recurring job at module init (default true; false for roles that do not score). */
  schedule?: boolean;
}

export const SCORE_CYCLE_OPTIONS = Symbol('SCORE_CYCLE_OPTIONS');

/** What one cycle did, handed to listeners such as the leaderboard. */
export interface ScoreCycleResult {
  /** The cycle's "now": claims used `resolvable_at <= at`, windows end at it, snapshots carry it. */
  at: Date;
  scored: number;
  /** Rounds whose ground truth is not there yet (they wait for a later cycle). */
  waitingRounds: number;
  standings: ModelStanding[];
  direction: ScoreDirection;
}

export type ScoreCycleListener = (result: ScoreCycleResult) => Promise<void>;

/**
 * Scoring cycles: every `scoring.intervalSeconds`, under a PostgreSQL advisory lock (one instance
 * at a time), scores every resolvable prediction, then writes one snapshot per model.
 *
 * A round is the unit of scoring, because the penalty of its failures depends on its successes:
 * 1. find due rounds (read-only), fetch their ground truth outside any transaction (the data
 *    source may itself query the database);
 * 2. rounds whose truth is not there yet (retryable) wait, untouched, for a later cycle — until
 *    `maxWaitSeconds` after `resolvable_at`, when the round is void (no ground truth);
 * 3. in one short transaction: lock the rounds and their unscored predictions (`FOR UPDATE
 *    SKIP LOCKED`), score them in memory, write scores, bucket increments and coverage, commit.
 *    A crash before commit leaves the predictions unscored for the next cycle; a committed
 *    prediction has `scored_at` set and is never claimed again.
 *
 * @example
 *   scoreCycles.onCycleCompleted(async ({ standings, at }) => leaderboard.refresh(standings, at));
 *   await scoreCycles.runCycle(); // also runs by itself every intervalSeconds
 */
@Injectable()
export class ScoreCycleService implements OnModuleInit {
  static readonly JOB_NAME = 'score-cycle';
  private readonly logger = new Logger(ScoreCycleService.name);
  private readonly listeners: ScoreCycleListener[] = [];
  readonly buckets: WindowBuckets;
  /** Emits after each completed cycle (after its listeners ran). */
  readonly cycles$ = new Subject<ScoreCycleResult>();

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly scheduler: JobScheduler,
    private readonly scorers: ScorerRegistry,
    @Inject(GROUND_TRUTH) private readonly truth: GroundTruthSource,
    private readonly dataSource: DataSource,
    private readonly rounds: ScoreCycleRepository,
    private readonly windows: ScoreWindowRepository,
    private readonly snapshots: ScoreSnapshotRepository,
    @Optional() @Inject(SCORE_CYCLE_OPTIONS) private readonly options: ScoreCycleOptions = {},
  ) {
    this.buckets = new WindowBuckets(competition.scoring.windows);
  }

  onModuleInit(): void {
    this.scorers.validateOptions(this.competition.scoring.scorer, this.competition.scoring.options);
    if (this.options?.schedule === false) return;
    this.scheduler.register({
      name: ScoreCycleService.JOB_NAME,
      everyMs: this.competition.scoring.intervalSeconds * 1000,
      run: async () => {
        await this.runCycle();
      },
    });
  }

  /** Called after every cycle, inside its advisory lock; a failing listener is logged, not fatal. */
  onCycleCompleted(listener: ScoreCycleListener): void {
    this.listeners.push(listener);
  }

  /** The better direction of the competition's scorer. */
  direction(): ScoreDirection {
    return this.scorers.get(this.competition.scoring.scorer).direction;
  }

  /** Runs one cycle now; null when another instance holds the cycle lock. */
  async runCycle(): Promise<ScoreCycleResult | null> {
    const run = await withAdvisoryLock(this.dataSource, `score-cycle:${this.competition.id}`, () => this.cycle());
    return run.acquired ? run.result : null;
  }

  private async cycle(): Promise<ScoreCycleResult> {
    const nowMs = this.clock.nowMs();
    const { scored, waitingRounds } = await this.scoreDueRounds(nowMs);
    const standings = await this.standingsAt(nowMs);
    await this.snapshots.insert(standings, nowMs);
    const result: ScoreCycleResult = { at: new Date(nowMs), scored, waitingRounds, standings, direction: this.direction() };
    for (const listener of this.listeners) {
      try {
        await listener(result);
      } catch (err) {
        this.logger.error(`after-cycle listener failed at ${result.at.toISOString()}: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
    this.cycles$.next(result);
    if (scored > 0 || waitingRounds > 0) this.logger.log(`scored ${scored} predictions, ${waitingRounds} rounds waiting for ground truth`);
    return result;
  }

  /** Current standings from the buckets (no scoring). */
  async standingsAt(nowMs: number): Promise<ModelStanding[]> {
    const [totals, coverage] = await Promise.all([
      this.windows.windowTotals(nowMs, this.competition.scoring.windows, this.buckets),
      this.windows.firstScoredBuckets(),
    ]);
    return computeStandings(totals, coverage, this.competition.scoring.windows, this.buckets, nowMs);
  }

  private async scoreDueRounds(nowMs: number): Promise<{ scored: number; waitingRounds: number }> {
    const batch = Math.max(1, this.options?.batchPredictions ?? 1000);
    const setAside = new Set<string>();
    const waiting = new Set<string>();
    let scored = 0;
    for (;;) {
      const due = await this.rounds.findDueRounds(nowMs, [...setAside], batch);
      if (due.length === 0) break;
      const { truths, waitingRoundIds } = await this.settleTruth(due, nowMs);
      for (const id of waitingRoundIds) {
        setAside.add(id);
        waiting.add(id);
      }
      const ready = [...new Set(due.map((d) => d.roundId))].filter((id) => !waitingRoundIds.has(id));
      if (ready.length === 0) continue;
      const written = await this.scoreRounds(ready, truths, nowMs);
      // Rounds another instance holds (SKIP LOCKED) are left to it for this cycle.
      if (written.skipped.length > 0) for (const id of written.skipped) setAside.add(id);
      scored += written.scored;
    }
    return { scored, waitingRounds: waiting.size };
  }

  /** Fetches the ground truth of due rounds; retryable gaps make a round wait until maxWaitSeconds. */
  private async settleTruth(due: DueRoundOrigin[], nowMs: number): Promise<{ truths: Map<string, SettledTruth>; waitingRoundIds: Set<string> }> {
    const truths = new Map<string, SettledTruth>();
    const waitingRoundIds = new Set<string>();
    const maxWaitMs = this.competition.scoring.maxWaitSeconds * 1000;
    const needed = due.filter((d) => d.needsTruth);
    const answers = await Promise.all(
      needed.map(async (origin) => {
        try {
          return await this.truth.groundTruth({
            subject: origin.asset,
            performedAtMs: origin.performedAtMs,
            horizon: origin.horizon,
            step: origin.step,
            target: this.competition.scoring.target,
          });
        } catch (err) {
          return { ok: false as const, reason: shortReason('ground truth lookup failed', (err as Error)?.message ?? String(err)), retryable: true };
        }
      }),
    );
    needed.forEach((origin, i) => {
      const answer = answers[i];
      const key = truthKey(origin);
      if (answer.ok) truths.set(key, { ok: true, values: answer.values });
      else if (!answer.retryable) truths.set(key, { ok: false, reason: answer.reason });
      else if (nowMs > origin.resolvableAtMs + maxWaitMs) {
        truths.set(key, { ok: false, reason: `not available ${this.competition.scoring.maxWaitSeconds}s after resolvable_at (${answer.reason})` });
      } else {
        waitingRoundIds.add(origin.roundId);
      }
    });
    return { truths, waitingRoundIds };
  }

  /** The claim transaction: lock, score, write scores and buckets, commit. */
  private async scoreRounds(roundIds: string[], truths: Map<string, SettledTruth>, nowMs: number): Promise<{ scored: number; skipped: string[] }> {
    const { scoring } = this.competition;
    const direction = this.direction();
    return this.dataSource.transaction(async (em) => {
      const locked = await this.rounds.lockRounds(em, roundIds);
      const skipped = roundIds.filter((id) => !locked.includes(id));
      const claimed = await this.rounds.claimPredictions(em, locked, nowMs);
      const earlier = await this.rounds.earlierSuccesses(em, locked);
      const byRound = new Map<string, typeof claimed>();
      for (const p of claimed) {
        const list = byRound.get(p.roundId);
        if (list) list.push(p);
        else byRound.set(p.roundId, [p]);
      }
      const scores: PredictionScore[] = [];
      for (const [roundId, predictions] of byRound) {
        scores.push(
          ...scoreRound(predictions, (key) => truths.get(key), earlier.get(roundId) ?? [], {
            penalty: scoring.penalty,
            direction,
            options: scoring.options,
            score: (input) => this.scorers.score(scoring.scorer, input),
          }),
        );
      }
      const written = await this.rounds.writeScores(em, scores, nowMs);
      if (written !== scores.length) {
        // Cannot happen while the rows are locked; rolling back keeps buckets equal to the scores.
        throw new Error(`score cycle at ${new Date(nowMs).toISOString()}: wrote ${written} of ${scores.length} claimed predictions`);
      }
      const increments = bucketIncrements(scores, this.buckets);
      await this.rounds.addToBuckets(em, increments);
      await this.rounds.extendCoverage(em, increments);
      return { scored: written, skipped };
    });
  }
}
