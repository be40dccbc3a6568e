import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition, RewardsDefinition } from '../../config/competition/competition.types';
import type { Leaderboard } from '../../leaderboard/leaderboard-entry';
import { LeaderboardService } from '../../leaderboard/leaderboard.service';
import { ModelRegistryRepository } from '../../predict/registry/model-registry.repository';
import type { ParamStanding } from '../../score/model-standing';
import { advisoryLockKey, AdvisoryLockName, withAdvisoryLock } from '../../score/advisory-lock';
import { ScoreCycleService } from '../../score/score-cycle.service';
import { ScoreSnapshotRepository } from '../../score/score-snapshot.repository';
import { RecurringJob } from '../../clock/recurring-job.decorator';
import { ScoreCommitmentRepository } from '../../score/score-commitment.repository';
import { RewardFunctionRegistry } from '../reward-function.registry';
import { Checkpoint, CheckpointSettings, FrozenEntry } from './checkpoint';
import { computeCheckpointPayouts, freezeEntries } from './checkpoint-payouts';
import { CheckpointRepository, NewCheckpoint } from './checkpoint.repository';

const CHECKPOINT_JOB = 'reward-checkpoint';
const CATCH_UP_JOB = 'reward-checkpoint-catch-up';
/**
 * At most this many missed periods are caught up (the newest ones); older ones are
 * left to the operator (`npx coordinator-node checkpoint` or the admin API), with a warning.
 */
export const MAX_CATCH_UP_PERIODS = 52;
/** Snapshots read per query when freezing a leaderboard's per-horizon scores. */
const SNAPSHOT_PAGE = 5_000;

/** The actor the schedule records in a checkpoint's moves. */
export const SCHEDULER_ACTOR = 'scheduler';

/** The competition has no `rewards` section, or a period end is not one of its boundaries. */
export class CheckpointScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointScheduleError';
  }
}

/**
 * Reward checkpoints. Every `rewards.every` seconds (epoch-aligned), `rewards.delay` seconds after
 * a period closes, one instance (advisory lock; the unique key on the period backs it up) freezes
 * the leaderboard of that instant (its ranked entries, with per-horizon scores from the same
 * cycle's snapshots), the windows and the settings, computes the payouts (never for a model an
 * operator excluded, even one excluded after that leaderboard was built) with the configured
 * reward function when the pool is known, and commits to them, all in one transaction: a crash
 * leaves no checkpoint or a whole one. Status moves and pools: CheckpointStatusService.
 *
 * @example
 *   const { checkpoint } = await checkpoints.takeCheckpoint(Date.UTC(2026, 0, 8)); // period [Jan 1, Jan 8)
 */
@Injectable()
export class CheckpointService implements OnModuleInit {
  static readonly JOB_NAME = CHECKPOINT_JOB;
  private readonly logger = new Logger(CheckpointService.name);

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly leaderboards: LeaderboardService,
    private readonly scoreCycles: ScoreCycleService,
    private readonly snapshots: ScoreSnapshotRepository,
    private readonly commitments: ScoreCommitmentRepository,
    private readonly rewardFunctions: RewardFunctionRegistry,
    private readonly repository: CheckpointRepository,
    @Optional() private readonly models?: ModelRegistryRepository,
  ) {}

  onModuleInit(): void {
    const rewards = this.competition.rewards;
    if (rewards) this.rewardFunctions.validateOptions(rewards.function, rewards.options);
  }

  /**
   * Late checkpoints (score role, every scoring interval, half an interval after the cycle): a
   * period whose checkpoint instant passed with no checkpoint taken (the node was down, or the
   * database unreachable at the instant) is taken as soon as the node has ranked again, from the
   * first leaderboard computed at or after the instant: what the schedule would have frozen had it
   * run as soon as it could. Cheap when nothing was missed (one query).
   */
  @RecurringJob({
    name: CATCH_UP_JOB,
    roles: ['score'],
    when: (c) => c.rewards !== undefined,
    everyMs: (c) => c.scoring.intervalSeconds * 1000,
    offsetMs: (c) => (c.scoring.intervalSeconds * 1000) / 2,
  })
  async runCatchUp(): Promise<void> {
    const caught = await this.catchUp();
    if (caught.length > 0) this.logger.log(`caught up ${caught.length} missed checkpoint(s), periods ending ${caught.map((c) => c.periodEnd.toISOString()).join(', ')}`);
  }

  /**
   * Takes, oldest first, every missed checkpoint that can be taken now (see runCatchUp). Missed
   * periods are those after the newest checkpoint whose instant (end + delay) is more than a
   * scoring interval old; with no
   * checkpoint yet, only the newest closed period, and only if a leaderboard existed before its
   * instant (a competition that started later owes nothing for it). At most
   * MAX_CATCH_UP_PERIODS, the newest ones. Returns the checkpoints created.
   */
  async catchUp(): Promise<Checkpoint[]> {
    const rewards = this.rewards();
    const everyMs = rewards.every * 1000;
    const delayMs = rewards.delay * 1000;
    const nowMs = this.clock.nowMs();
    // A period is missed once its instant is a scoring interval old: the on-time job had its chance.
    const graceMs = this.competition.scoring.intervalSeconds * 1000;
    const lastEndMs = Math.floor((nowMs - delayMs - graceMs) / everyMs) * everyMs;
    const newest = await this.repository.latestPeriodEnd(this.competition.id);
    let firstEndMs = newest === null ? lastEndMs : newest.getTime() + everyMs;
    if (firstEndMs > lastEndMs) return [];
    if (newest === null && (await this.leaderboards.asOf(new Date(lastEndMs + delayMs - 1))) === null) return [];
    const missed = (lastEndMs - firstEndMs) / everyMs + 1;
    if (missed > MAX_CATCH_UP_PERIODS) {
      firstEndMs = lastEndMs - (MAX_CATCH_UP_PERIODS - 1) * everyMs;
      this.logger.warn(`${missed} reward periods were missed; catching up the newest ${MAX_CATCH_UP_PERIODS} (from the period ending ${new Date(firstEndMs).toISOString()}); the older ones are left to the operator`);
    }
    const created: Checkpoint[] = [];
    for (let endMs = firstEndMs; endMs <= lastEndMs; endMs += everyMs) {
      const instant = new Date(endMs + delayMs);
      const board = await this.leaderboards.firstAtOrAfter(instant);
      if (board === null) break; // not ranked since the instant yet: the next run takes it
      const late = { board, note: `late: no checkpoint was taken at ${instant.toISOString()}; frozen from the first leaderboard after it (${board.createdAt.toISOString()})` };
      const run = await withAdvisoryLock(this.dataSource, advisoryLockKey(AdvisoryLockName.RewardCheckpoint, this.competition.id), () => this.takeCheckpoint(endMs, SCHEDULER_ACTOR, late));
      if (!run.acquired) break;
      if (run.result.created) created.push(run.result.checkpoint);
    }
    return created;
  }

  /** The checkpoint of the period that closed `delay` before `scheduledAt` (the score role runs it). */
  @RecurringJob({
    name: CHECKPOINT_JOB,
    roles: ['score'],
    when: (c) => c.rewards !== undefined,
    everyMs: (c) => c.rewards!.every * 1000,
    offsetMs: (c) => c.rewards!.delay * 1000,
  })
  async runCheckpoint(scheduledAt: Date): Promise<void> {
    const periodEndMs = scheduledAt.getTime() - this.rewards().delay * 1000;
    const run = await withAdvisoryLock(this.dataSource, advisoryLockKey(AdvisoryLockName.RewardCheckpoint, this.competition.id), () => this.takeCheckpoint(periodEndMs));
    if (run.acquired && run.result.created) this.logger.log(`checkpoint ${run.result.checkpoint.id} of the period ending ${new Date(periodEndMs).toISOString()}`);
  }

  /**
   * Takes the checkpoint of the period ending at `periodEndMs` (a multiple of `every`), or returns
   * the one already taken. It freezes the leaderboard that was the newest at the checkpoint's
   * instant (period end + delay), unless `late` names the leaderboard to freeze (catch-up).
   */
  async takeCheckpoint(periodEndMs: number, actor = SCHEDULER_ACTOR, late?: { board: Leaderboard; note: string }): Promise<{ checkpoint: Checkpoint; created: boolean }> {
    const rewards = this.rewards();
    const everyMs = rewards.every * 1000;
    if (!Number.isSafeInteger(periodEndMs) || periodEndMs % everyMs !== 0) {
      throw new CheckpointScheduleError(`${new Date(periodEndMs).toISOString()} is not a period end (periods of ${rewards.every} s from the Unix epoch)`);
    }
    const periodStart = new Date(periodEndMs - everyMs);
    const existing = await this.repository.forPeriod(this.competition.id, periodStart);
    if (existing) return { checkpoint: existing, created: false };

    const board = late ? late.board : await this.leaderboards.asOf(new Date(periodEndMs + rewards.delay * 1000));
    const frozen = await this.freeze(periodStart, new Date(periodEndMs), board);
    const note = late?.note ?? null;
    const excluded = new Set(await this.models?.excludedModelIds(this.competition.id));
    const payouts = frozen.pool === null ? null : computeCheckpointPayouts(this.rewardFunctions, this.competition.id, frozen, frozen.pool, excluded);
    const created = await this.dataSource.transaction(async (em) => {
      if (!(await this.repository.insertFrozen(em, frozen))) return false;
      if (payouts !== null && 'set' in payouts) await this.repository.writePayouts(em, frozen.id, payouts.set);
      const notes = [note, payouts !== null && 'error' in payouts ? payouts.error : null].filter((n): n is string => n !== null);
      await this.repository.recordMove(em, frozen.id, { from: null, to: 'PENDING', actor, at: new Date(this.clock.nowMs()), note: notes.length > 0 ? notes.join('; ') : null });
      return true;
    });
    const checkpoint = await this.repository.forPeriod(this.competition.id, periodStart);
    if (checkpoint === null) throw new Error(`checkpoint of the period starting ${periodStart.toISOString()} vanished after its insert`);
    return { checkpoint, created };
  }

  private rewards(): RewardsDefinition {
    const rewards = this.competition.rewards;
    if (rewards === undefined) throw new CheckpointScheduleError(`competition "${this.competition.id}" has no rewards section`);
    return rewards;
  }

  /** The checkpoint row before any payout: `board`, the windows, the settings, the period's cycles. */
  private async freeze(periodStart: Date, periodEnd: Date, board: Leaderboard | null): Promise<NewCheckpoint> {
    const rewards = this.rewards();
    const { scoring, leaderboard: rules } = this.competition;
    const entries: FrozenEntry[] = board === null ? [] : freezeEntries(board.entries, await this.paramsAt(board.createdAt), scoring.windows.map((w) => w.name), scoring.assetWeights);
    const cycles = await this.commitments.periodSummary(this.dataSource, this.competition.id, periodStart, periodEnd);
    const settings: CheckpointSettings = {
      function: rewards.function,
      options: rewards.options,
      filePool: rewards.pool,
      decimals: rewards.decimals,
      direction: this.scoreCycles.direction(),
      every: rewards.every,
      delay: rewards.delay,
      scorer: scoring.scorer,
      rankBy: rules.rankBy,
    };
    return {
      id: randomUUID(),
      competitionId: this.competition.id,
      periodStart,
      periodEnd,
      createdAt: new Date(this.clock.nowMs()),
      leaderboardId: board?.id ?? null,
      leaderboardAt: board?.createdAt ?? null,
      entries,
      windows: scoring.windows.map((w) => ({ name: w.name, seconds: w.seconds })),
      settings,
      pool: rewards.pool,
      decimals: rewards.decimals,
      cycles: {
        count: cycles.count,
        first_cycle_at: cycles.first?.toISOString() ?? null,
        last_cycle_at: cycles.last?.cycleAt.toISOString() ?? null,
        last_chained_root: cycles.last?.chainedRoot ?? null,
      },
    };
  }

  /** Each model's parameter-set standings in the snapshot of the cycle at `at` (the leaderboard's cycle). */
  private async paramsAt(at: Date): Promise<Map<string, ParamStanding[]>> {
    const byModel = new Map<string, ParamStanding[]>();
    let after: { at: string; id: string } | undefined;
    for (;;) {
      const page = await this.snapshots.list({ since: at, until: at, after }, SNAPSHOT_PAGE);
      for (const s of page) byModel.set(s.modelId, s.params);
      if (page.length < SNAPSHOT_PAGE) return byModel;
      after = { at: page[page.length - 1].cursorAt, id: page[page.length - 1].id };
    }
  }
}
