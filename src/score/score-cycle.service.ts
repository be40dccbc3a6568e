import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { COMPETITION } from '../config/competition/competition.tokens';
import { answeredSteps, paramKey } from '../config/competition/competition.types';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { byRoundThenModel, performedSpan } from '../predict/round/prediction-round';
import type { DueRoundOrigin, PerformedSpan } from '../predict/round/prediction-round';
import { PredictionRoundRepository } from '../predict/round/prediction-round.repository';
import { ScoreCycleMetrics } from '../metrics/score-cycle.metrics';
import { ScoreCommitmentRepository } from './score-commitment.repository';
import { RecurringJob } from '../clock/recurring-job.decorator';
import { AdvisoryLockName, advisoryLockKey, withAdvisoryLock } from './advisory-lock';
import { bucketIncrements } from './bucket-increments';
import type { BucketIncrement } from './bucket-increments';
import { commitWithoutWaitingForDisk } from './claim-commit';
import { shortReason } from './failure-reason';
import { GROUND_TRUTH, GroundTruthAnswer, GroundTruthSource } from './ground-truth.source';
import { computeStandings, ModelStanding } from './model-standing';
import { ClaimedPrediction, PredictionScore, RoundScoringRules, scorePrediction, settleRound, SettledTruth, truthKey, voidReason } from './round-scoring';
import type { ResolutionTruth, ScoreOutcome } from './scorers/scorer';
import { ScoreWindowRepository } from './score-window.repository';
import { ScorerRegistry } from './scorers/scorer.registry';
import type { ScoreDirection } from './scorers/scorer';
import { WindowBuckets } from './window-buckets';
import { WindowTotalsCache } from './window-totals-cache';
import type { WindowVersionStep } from './window-totals-cache';

/** Tuning of scoring cycles (all optional). */
export interface ScoreCycleOptions {
  /** Predictions claimed per transaction (whole rounds, so a batch may exceed it by one round). Default 1000. */
  batchPredictions?: number;
  /** Batches read and scored ahead of the claim transaction (at least 1). Default PREPARED_AHEAD. */
  preparedAhead?: number;
}

export const SCORE_CYCLE_OPTIONS = Symbol('SCORE_CYCLE_OPTIONS');

const SCORE_CYCLE_JOB = 'score-cycle';

/** Predictions scored between two turns of the event loop (so reads in flight can progress). */
const SCORES_PER_TURN = 64;

/**
 * Batches prepared ahead of the claim transaction. With two, the reads and the scoring of the next
 * batches keep both cores busy while a claim runs (100,000 hourly predictions on PostgreSQL: one
 * batch ahead left the cycle waiting on the read of the next; measured in the README).
 */
const PREPARED_AHEAD = 2;

/** Due rounds found and their ground truth settled: what a batch will read. */
interface LocatedBatch {
  roundIds: string[];
  performed: PerformedSpan;
  truths: Map<string, SettledTruth>;
  /** Those of `roundIds` some of whose predictions were scored before. */
  partlyScored: string[];
}

/** A batch read and scored, waiting for its claim. */
interface ReadyBatch {
  batch: PreparedBatch;
  outcomes: Map<string, ScoreOutcome>;
}

/** Due rounds read ahead of their claim: their ground truth and unscored predictions (unlocked). */
interface PreparedBatch {
  roundIds: string[];
  /** The rounds' performed_at, first to last: the partitions their predictions are in. */
  performed: PerformedSpan;
  truths: Map<string, SettledTruth>;
  predictions: ClaimedPrediction[];
}

/**
 * How far a cycle's walk over due predictions has gone: the batches found so far hold every
 * unscored prediction resolvable before `fromMs` (a prediction written during the cycle with an
 * earlier `resolvable_at` waits for the next cycle).
 */
interface DueWalk {
  fromMs: number;
}

/** What a claim transaction wrote: its scores, the rounds another instance held, its bucket increments and their version step. */
interface ClaimWritten {
  scored: number;
  skipped: string[];
  increments: BucketIncrement[];
  step: WindowVersionStep | null;
}

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
 * at a time), scores every resolvable prediction, then writes one snapshot per model and, in the
 * same statement, the cycle's Merkle root over them (score-commitment.repository.ts, src/commitments).
 *
 * A round is the unit of scoring, because the penalty of its failures depends on its successes:
 * 1. find due rounds (read-only), fetch their ground truth outside any transaction (the data
 *    source may itself query the database);
 * 2. rounds whose truth is not there yet (retryable) wait, untouched, for a later cycle — until
 *    `maxWaitSeconds` after `resolvable_at`, when the round is void (no ground truth);
 * 3. read the ready rounds' unscored predictions (no lock, no transaction: a prediction's row
 *    never changes after it is written) and score each one in memory — two batches ahead, while
 *    the claim transaction (step 4) of an earlier batch runs on another connection;
 * 4. in one short transaction: lock the rounds (`FOR UPDATE SKIP LOCKED`) and claim their due
 *    predictions by taking them off the queue of unscored ones (`prediction_unscored`), apply each
 *    round's penalty to the claimed ones (scoring any claimed prediction that was not read in
 *    step 3), insert their scores, add bucket increments and coverage, commit.
 *    A crash before commit leaves the predictions queued for the next cycle; a committed
 *    prediction is off the queue and never claimed again. (The commit does not wait for
 *    the disk: a crash of the database server may undo the last ones, whole, which leaves their
 *    predictions unscored for the next cycle too; see claim-commit.ts.)
 *
 * @example
 *   scoreCycles.onCycleCompleted(async ({ standings, at }) => leaderboard.refresh(standings, at));
 *   await scoreCycles.runCycle(); // also runs by itself every intervalSeconds (score role)
 */
@Injectable()
export class ScoreCycleService implements OnModuleInit {
  static readonly JOB_NAME = SCORE_CYCLE_JOB;
  private readonly logger = new Logger(ScoreCycleService.name);
  private readonly listeners: ScoreCycleListener[] = [];
  readonly buckets: WindowBuckets;
  /** Parameter set -> answered steps, for the multi-resolution configs of the competition file. */
  private readonly resolutionSteps: ReadonlyMap<string, readonly number[]>;
  /** A cycle, or work that must not overlap one, is running in this process. */
  private heldHere = false;
  /** The window totals the last cycle used, with this process's claims added since. */
  private readonly windowCache = new WindowTotalsCache();

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly scorers: ScorerRegistry,
    @Inject(GROUND_TRUTH) private readonly truth: GroundTruthSource,
    private readonly dataSource: DataSource,
    private readonly rounds: PredictionRoundRepository,
    private readonly windows: ScoreWindowRepository,
    private readonly commitments: ScoreCommitmentRepository,
    @Optional() @Inject(SCORE_CYCLE_OPTIONS) private readonly options: ScoreCycleOptions = {},
    @Optional() private readonly cycleMetrics?: ScoreCycleMetrics,
  ) {
    this.buckets = new WindowBuckets(competition.scoring.windows);
    this.resolutionSteps = new Map(
      competition.predictions.flatMap((p) => {
        const steps = answeredSteps(p);
        return steps === null ? [] : [[paramKey(p), steps] as const];
      }),
    );
  }

  onModuleInit(): void {
    this.scorers.validateOptions(this.competition.scoring.scorer, this.competition.scoring.options);
    this.scorers.validatePayloads(this.competition.scoring.scorer, this.resolutionSteps.size > 0);
  }

  /** Called after every cycle, inside its advisory lock; a failing listener is logged, not fatal. */
  onCycleCompleted(listener: ScoreCycleListener): void {
    this.listeners.push(listener);
  }

  /** The better direction of the competition's scorer. */
  direction(): ScoreDirection {
    return this.scorers.get(this.competition.scoring.scorer).direction;
  }

  /** Runs one cycle now (and every `scoring.intervalSeconds` with the score role); null when another instance holds the cycle lock. */
  @RecurringJob({ name: SCORE_CYCLE_JOB, roles: ['score'], everyMs: (c) => c.scoring.intervalSeconds * 1000 })
  async runCycle(): Promise<ScoreCycleResult | null> {
    if (this.heldHere) return null; // a rescore batch or a history recompute holds the cycle here
    this.heldHere = true;
    try {
      const run = await withAdvisoryLock(this.dataSource, this.cycleLockKey(), () => this.cycle());
      return run.acquired ? run.result : null;
    } finally {
      this.heldHere = false;
    }
  }

  /**
   * Runs `work` while no cycle runs, in this process or on another instance (waiting for the one
   * in flight): how a rescore batch or a history recompute keeps out of a cycle's way. The
   * advisory lock alone does not exclude within one embedded session, hence the flag.
   *
   * @example
   *   await scoreCycles.withCyclesHeld(() => rescoreBatch(rounds));
   */
  async withCyclesHeld<T>(work: () => Promise<T>, pollMs = 100): Promise<T> {
    for (;;) {
      if (!this.heldHere) {
        this.heldHere = true;
        try {
          const run = await withAdvisoryLock(this.dataSource, this.cycleLockKey(), work);
          if (run.acquired) return run.result;
        } finally {
          this.heldHere = false;
        }
      }
      await new Promise<void>((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private cycleLockKey(): string {
    return advisoryLockKey(AdvisoryLockName.ScoreCycle, this.competition.id);
  }

  private async cycle(): Promise<ScoreCycleResult> {
    const cycleDone = this.cycleMetrics?.cycleStarted();
    const nowMs = this.clock.nowMs();
    const { scored, waitingRounds } = await this.scoreDueRounds(nowMs);
    const standings = await this.standingsAt(nowMs);
    // The snapshots and the Merkle root committing to them are written together or not at all.
    await this.commitments.publish(this.competition.id, new Date(nowMs), standings);
    const result: ScoreCycleResult = { at: new Date(nowMs), scored, waitingRounds, standings, direction: this.direction() };
    for (const listener of this.listeners) {
      try {
        await listener(result);
      } catch (err) {
        this.logger.error(`after-cycle listener failed at ${result.at.toISOString()}: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
    if (scored > 0 || waitingRounds > 0) this.logger.log(`scored ${scored} predictions, ${waitingRounds} rounds waiting for ground truth`);
    cycleDone?.();
    return result;
  }

  /**
   * Current standings from the buckets (no scoring). The buckets are summed again only when the
   * windows start at other buckets than last time or something other than this process's claims
   * wrote to them (window-totals-cache.ts); otherwise one read of their version.
   */
  async standingsAt(nowMs: number): Promise<ModelStanding[]> {
    const { windows } = this.competition.scoring;
    const starts = windows.map((w) => this.buckets.windowStartMs(nowMs, w.seconds));
    let state = this.windowCache.lookup(starts, await this.windows.version());
    if (state === undefined) {
      const read = await this.windows.readState(nowMs, windows, this.buckets);
      this.windowCache.remember(starts, read);
      state = read;
    }
    return computeStandings(state.totals, state.coverage, windows, this.buckets, nowMs, this.competition.scoring.assetWeights);
  }

  private async scoreDueRounds(nowMs: number): Promise<{ scored: number; waitingRounds: number }> {
    const batch = Math.max(1, this.options?.batchPredictions ?? 1000);
    const setAside = new Set<string>();
    const waiting = new Set<string>();
    const walk: DueWalk = { fromMs: 0 };
    // Rounds found and not yet through their claim: no later search may find them again.
    const inFlight = new Set<string>();
    let scored = 0;
    // Batches ahead of the claim: each is located after the one before it (the walk moves on),
    // then read and scored on its own, so a batch's claim transaction runs beside the reading and
    // scoring of the next ones (on other connections).
    const ahead: Array<Promise<ReadyBatch | null>> = [];
    let walkEnded: Promise<boolean> = Promise.resolve(false);
    const locateNext = () => {
      const located = walkEnded.then((ended) => (ended ? null : this.locateBatch(nowMs, setAside, waiting, inFlight, batch, walk)));
      walkEnded = located.then((l) => l === null);
      const ready = located.then((l) => (l === null ? null : this.readAndScore(l, nowMs)));
      ready.catch(() => undefined); // awaited in turn (or below on failure)
      ahead.push(ready);
    };
    try {
      const depth = Math.max(1, Math.floor(this.options?.preparedAhead ?? PREPARED_AHEAD));
      for (let i = 0; i < depth; i++) locateNext();
      for (;;) {
        const current = await ahead.shift()!;
        if (current === null) break;
        locateNext();
        const written = await this.scoreRounds(current.batch, current.outcomes, nowMs);
        // Rounds another instance holds (SKIP LOCKED) are left to it for this cycle.
        for (const id of written.skipped) setAside.add(id);
        for (const id of current.batch.roundIds) inFlight.delete(id);
        scored += written.scored;
      }
    } catch (err) {
      await Promise.all(ahead.map((p) => p.catch(() => undefined))); // no read left running after the cycle
      throw err;
    }
    await Promise.all(ahead); // the batches located after the last one (each null)
    return { scored, waitingRounds: waiting.size };
  }

  /**
   * The next due rounds whose ground truth is settled, or null when none is left (they join
   * `inFlight`). Rounds waiting for truth are set aside.
   */
  private async locateBatch(
    nowMs: number,
    setAside: Set<string>,
    waiting: Set<string>,
    inFlight: Set<string>,
    batch: number,
    walk: DueWalk,
  ): Promise<LocatedBatch | null> {
    for (;;) {
      const due = await this.rounds.findDueRounds(nowMs, [...setAside, ...inFlight], batch, walk.fromMs);
      if (due.length === 0) return null;
      // Every unscored prediction due before the latest one found is in these rounds (oldest first).
      for (const d of due) if (d.resolvableAtMs > walk.fromMs) walk.fromMs = d.resolvableAtMs;
      const { truths, waitingRoundIds } = await this.settleTruth(due, nowMs);
      for (const id of waitingRoundIds) {
        setAside.add(id);
        waiting.add(id);
      }
      const ready = due.filter((d) => !waitingRoundIds.has(d.roundId));
      if (ready.length === 0) continue;
      const roundIds = [...new Set(ready.map((d) => d.roundId))];
      for (const id of roundIds) inFlight.add(id);
      const partlyScored = ready.filter((d) => d.hadScores).map((d) => d.roundId);
      return { roundIds, performed: performedSpan(ready.map((d) => d.performedAtMs)), truths, partlyScored };
    }
  }

  /** A located batch's unscored predictions (unlocked) and each one's own outcome. */
  private async readAndScore(located: LocatedBatch, nowMs: number): Promise<ReadyBatch> {
    const { roundIds, performed, truths, partlyScored } = located;
    const batch: PreparedBatch = { roundIds, performed, truths, predictions: await this.rounds.readUnscored(roundIds, nowMs, performed, partlyScored) };
    return { batch, outcomes: await this.scoreOutcomes(batch) };
  }

  /** The scoring rules of the competition, scoring against `truths` (also used by a rescore). */
  roundRules(truths: Map<string, SettledTruth>): { rules: RoundScoringRules; truthOf: (key: string) => SettledTruth | undefined } {
    const { scoring } = this.competition;
    return {
      truthOf: (key) => truths.get(key),
      rules: {
        penalty: scoring.penalty,
        direction: this.direction(),
        options: scoring.options,
        score: (input) => this.scorers.score(scoring.scorer, input),
      },
    };
  }

  /** Each read prediction's own outcome (void rounds need none), yielding now and then to the event loop. */
  private async scoreOutcomes(batch: PreparedBatch): Promise<Map<string, ScoreOutcome>> {
    const { rules, truthOf } = this.roundRules(batch.truths);
    const outcomes = new Map<string, ScoreOutcome>();
    let sinceTurn = 0;
    for (const round of groupByRound(batch.predictions).values()) {
      if (voidReason(round, truthOf) !== null) continue;
      for (const p of round) {
        outcomes.set(p.id, scorePrediction(p, truthOf, rules));
        if (++sinceTurn === SCORES_PER_TURN) {
          sinceTurn = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    }
    return outcomes;
  }

  /** Runs a batch's claim transaction, then adds its committed increments to the window cache. */
  private async scoreRounds(batch: PreparedBatch, outcomes: Map<string, ScoreOutcome>, nowMs: number): Promise<{ scored: number; skipped: string[] }> {
    const { rules, truthOf } = this.roundRules(batch.truths);
    let claim: ClaimWritten;
    try {
      claim = await this.claimAndWrite(batch, outcomes, nowMs, rules, truthOf);
    } catch (err) {
      this.windowCache.clear(); // whether the claim's increments are in the buckets is not known here
      throw err;
    }
    if (claim.step !== null) this.windowCache.apply(claim.increments, claim.step);
    return { scored: claim.scored, skipped: claim.skipped };
  }

  /** The claim transaction: lock, apply penalties, write scores and buckets, commit. */
  private claimAndWrite(
    batch: PreparedBatch,
    outcomes: Map<string, ScoreOutcome>,
    nowMs: number,
    rules: RoundScoringRules,
    truthOf: (key: string) => SettledTruth | undefined,
  ): Promise<ClaimWritten> {
    return this.dataSource.transaction(async (em) => {
      await commitWithoutWaitingForDisk(em); // re-derivable work: see claim-commit.ts
      const lockedRounds = await this.rounds.lockRounds(em, batch.roundIds);
      const locked = lockedRounds.map((r) => r.id);
      const lockedSet = new Set(locked);
      const skipped = batch.roundIds.filter((id) => !lockedSet.has(id));
      // A void round is never scored: predictions that reached it after the void are closed unscored.
      if (skipped.length > 0) await this.rounds.closeVoidedRounds(em, skipped, nowMs);
      const claimedIds = await this.rounds.claimUnscored(em, locked, nowMs, batch.performed);
      const read = new Map(batch.predictions.map((p) => [p.id, p]));
      const unread = claimedIds.filter((id) => !read.has(id));
      for (const p of await this.rounds.readClaimed(em, unread)) read.set(p.id, p);
      const claimed = claimedIds.map((id) => {
        const p = read.get(id);
        if (!p) throw new Error(`score cycle at ${new Date(nowMs).toISOString()}: claimed prediction ${id} could not be read`);
        return p;
      });
      // By round then model, whatever order the queue gave them in: the scores, hence the float sums
      // of the buckets, come out the same in every run.
      claimed.sort(byRoundThenModel);
      // A round's first claim has no earlier successes to read (its penalty basis is this batch's).
      const partlyScored = lockedRounds.filter((r) => r.hadScores).map((r) => r.id);
      const earlier = await this.rounds.earlierSuccesses(em, partlyScored, batch.performed);
      const outcomeOf = (p: ClaimedPrediction) => outcomes.get(p.id) ?? scorePrediction(p, truthOf, rules);
      const scores: PredictionScore[] = [];
      for (const [roundId, predictions] of groupByRound(claimed)) {
        for (const s of settleRound(predictions, outcomeOf, truthOf, earlier.get(roundId) ?? [], rules)) scores.push(s);
      }
      const written = await this.rounds.writeScores(em, scores, nowMs);
      if (written !== scores.length) {
        // Cannot happen while the rows are locked; rolling back keeps buckets equal to the scores.
        throw new Error(`score cycle at ${new Date(nowMs).toISOString()}: wrote ${written} of ${scores.length} claimed predictions`);
      }
      const increments = bucketIncrements(scores, this.buckets);
      const step = await this.windows.addIncrements(em, increments);
      return { scored: written, skipped, increments, step };
    });
  }

  /** Fetches the ground truth of due rounds; retryable gaps make a round wait until maxWaitSeconds (also used by a rescore). */
  async settleTruth(due: DueRoundOrigin[], nowMs: number): Promise<{ truths: Map<string, SettledTruth>; waitingRoundIds: Set<string> }> {
    const truths = new Map<string, SettledTruth>();
    const waitingRoundIds = new Set<string>();
    const maxWaitMs = this.competition.scoring.maxWaitSeconds * 1000;
    const needed = due.filter((d) => d.needsTruth);
    const answers = await Promise.all(needed.map((origin) => this.originTruth(origin)));
    needed.forEach((origin, i) => {
      const answer = answers[i];
      const key = truthKey(origin);
      if (answer.ok) truths.set(key, answer.resolutions ? { ok: true, values: answer.values, resolutions: answer.resolutions } : { ok: true, values: answer.values });
      else if (!answer.retryable) truths.set(key, { ok: false, reason: answer.reason });
      else if (nowMs > origin.resolvableAtMs + maxWaitMs) {
        truths.set(key, { ok: false, reason: `not available ${this.competition.scoring.maxWaitSeconds}s after resolvable_at (${answer.reason})` });
      } else {
        waitingRoundIds.add(origin.roundId);
      }
    });
    return { truths, waitingRoundIds };
  }

  /**
   * The ground truth of one origin. A multi-resolution config's origin needs every answered
   * step's increments (each step looked up on its own, as the game prices each step's ends);
   * it is settled when all are, and unavailable for good when any is. Increments priced twice
   * by the same observation are passed on (`sameObservation`): the game's scorer leaves them out.
   */
  private async originTruth(origin: DueRoundOrigin): Promise<GroundTruthAnswer & { resolutions?: ResolutionTruth[] }> {
    const steps = this.resolutionSteps.get(paramKey(origin)) ?? null;
    const answers = await Promise.all((steps ?? [origin.step]).map((step) => this.stepTruth(origin, step)));
    const missing = answers.find((a) => !a.ok && !a.retryable) ?? answers.find((a) => !a.ok);
    if (missing) return missing;
    const known = answers.filter((a): a is Extract<GroundTruthAnswer, { ok: true }> => a.ok);
    if (steps === null) return known[0];
    const resolutions = steps.map((step, i): ResolutionTruth => {
      const answer = known[i];
      return answer.sameObservation ? { step, truth: answer.values, sameObservation: answer.sameObservation } : { step, truth: answer.values };
    });
    return { ok: true, values: resolutions.find((r) => r.step === origin.step)?.truth ?? resolutions[0].truth, resolutions };
  }

  private async stepTruth(origin: DueRoundOrigin, step: number): Promise<GroundTruthAnswer> {
    try {
      return await this.truth.groundTruth({
        subject: origin.asset,
        performedAtMs: origin.performedAtMs,
        horizon: origin.horizon,
        step,
        target: this.competition.scoring.target,
      });
    } catch (err) {
      return { ok: false as const, reason: shortReason((err as Error)?.message ?? String(err), 'ground truth lookup failed'), retryable: true };
    }
  }
}

/** Predictions by round, in their order. */
function groupByRound(predictions: readonly ClaimedPrediction[]): Map<string, ClaimedPrediction[]> {
  const byRound = new Map<string, ClaimedPrediction[]>();
  for (const p of predictions) {
    const list = byRound.get(p.roundId);
    if (list) list.push(p);
    else byRound.set(p.roundId, [p]);
  }
  return byRound;
}
