import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition, RewardsDefinition } from '../../config/competition/competition.types';
import { LeaderboardService } from '../../leaderboard/leaderboard.service';
import type { ParamStanding } from '../../score/model-standing';
import { withAdvisoryLock } from '../../score/advisory-lock';
import { ScoreCycleService } from '../../score/score-cycle.service';
import { ScoreSnapshotRepository } from '../../score/score-snapshot.repository';
import { RecurringJob } from '../../schedule/recurring-job.decorator';
import { ScoreCommitmentRepository } from '../commitments/score-commitment.repository';
import { RewardFunctionRegistry } from '../reward-function.registry';
import { RewardComputationError } from '../reward.errors';
import { canMove, Checkpoint, CheckpointNotFoundError, CheckpointSettings, CheckpointStatus, FrozenEntry, IllegalCheckpointMoveError } from './checkpoint';
import { checkpointPayouts, freezeEntries, payoutCommitment, payoutLeaves, rewardStandings } from './checkpoint-payouts';
import { CheckpointPayoutSet, CheckpointRepository, NewCheckpoint } from './checkpoint.repository';

const CHECKPOINT_JOB = 'reward-checkpoint';
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
 * cycle's snapshots), the windows and the settings, computes the payouts with the configured
 * reward function when the pool is known, and commits to them, all in one transaction: a crash
 * leaves no checkpoint or a whole one. Status moves go through `move` (the CLI, later the admin API).
 *
 * @example
 *   const { checkpoint } = await checkpoints.takeCheckpoint(Date.UTC(2026, 0, 8)); // period [Jan 1, Jan 8)
 *   await checkpoints.setPool(checkpoint.id, 392.78, 'ops@example');
 *   await checkpoints.move(checkpoint.id, 'SUBMITTED', 'ops@example');
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
  ) {}

  onModuleInit(): void {
    const rewards = this.competition.rewards;
    if (rewards) this.rewardFunctions.validateOptions(rewards.function, rewards.options);
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
    const run = await withAdvisoryLock(this.dataSource, `${CHECKPOINT_JOB}:${this.competition.id}`, () => this.takeCheckpoint(periodEndMs));
    if (run.acquired && run.result.created) this.logger.log(`checkpoint ${run.result.checkpoint.id} of the period ending ${new Date(periodEndMs).toISOString()}`);
  }

  /** Takes the checkpoint of the period ending at `periodEndMs` (a multiple of `every`), or returns the one already taken. */
  async takeCheckpoint(periodEndMs: number, actor = SCHEDULER_ACTOR): Promise<{ checkpoint: Checkpoint; created: boolean }> {
    const rewards = this.rewards();
    const everyMs = rewards.every * 1000;
    if (!Number.isSafeInteger(periodEndMs) || periodEndMs % everyMs !== 0) {
      throw new CheckpointScheduleError(`${new Date(periodEndMs).toISOString()} is not a period end (periods of ${rewards.every} s from the Unix epoch)`);
    }
    const periodStart = new Date(periodEndMs - everyMs);
    const existing = await this.repository.forPeriod(this.competition.id, periodStart);
    if (existing) return { checkpoint: existing, created: false };

    const frozen = await this.freeze(periodStart, new Date(periodEndMs));
    const payouts = frozen.pool === null ? null : this.computePayouts(frozen, frozen.pool);
    const created = await this.dataSource.transaction(async (em) => {
      if (!(await this.repository.insertFrozen(em, frozen))) return false;
      if (payouts !== null && 'set' in payouts) await this.repository.writePayouts(em, frozen.id, payouts.set);
      const note = payouts !== null && 'error' in payouts ? payouts.error : null;
      await this.repository.recordMove(em, frozen.id, { from: null, to: 'PENDING', actor, at: new Date(this.clock.nowMs()), note });
      return true;
    });
    const checkpoint = await this.repository.forPeriod(this.competition.id, periodStart);
    if (checkpoint === null) throw new Error(`checkpoint of the period starting ${periodStart.toISOString()} vanished after its insert`);
    return { checkpoint, created };
  }

  /** Sets the pool of a PENDING checkpoint and recomputes its payouts and commitment from its frozen leaderboard. */
  async setPool(id: string, pool: number, actor: string): Promise<Checkpoint> {
    if (!Number.isFinite(pool) || pool < 0) throw new RangeError(`pool must be a finite number >= 0, got ${pool}`);
    await this.dataSource.transaction(async (em) => {
      const checkpoint = await this.repository.lock(em, this.competition.id, id);
      if (checkpoint === null) throw new CheckpointNotFoundError(id);
      if (checkpoint.status !== 'PENDING') throw new IllegalCheckpointMoveError(id, checkpoint.status, 'PENDING', 'the pool can only be set before the checkpoint is submitted');
      const payouts = this.computePayouts(checkpoint, pool);
      if ('error' in payouts) throw new RewardComputationError(checkpoint.settings.function, payouts.error);
      await this.repository.writePayouts(em, id, payouts.set);
      await this.repository.recordMove(em, id, { from: 'PENDING', to: 'PENDING', actor, at: new Date(this.clock.nowMs()), note: `pool set to ${pool}` });
    });
    return this.get(id);
  }

  /** Moves a checkpoint along PENDING -> SUBMITTED -> CLAIMABLE -> PAID (or to FAILED), recording who and when. */
  async move(id: string, to: CheckpointStatus, actor: string, note: string | null = null): Promise<Checkpoint> {
    await this.dataSource.transaction(async (em) => {
      const checkpoint = await this.repository.lock(em, this.competition.id, id);
      if (checkpoint === null) throw new CheckpointNotFoundError(id);
      if (!canMove(checkpoint.status, to)) throw new IllegalCheckpointMoveError(id, checkpoint.status, to);
      if (to === 'SUBMITTED' && checkpoint.payoutsRoot === null) throw new IllegalCheckpointMoveError(id, checkpoint.status, to, 'its pool is not set, so it has no payouts');
      await this.repository.recordMove(em, id, { from: checkpoint.status, to, actor, at: new Date(this.clock.nowMs()), note });
    });
    return this.get(id);
  }

  async get(id: string): Promise<Checkpoint> {
    const checkpoint = await this.repository.get(this.competition.id, id);
    if (checkpoint === null) throw new CheckpointNotFoundError(id);
    return checkpoint;
  }

  private rewards(): RewardsDefinition {
    const rewards = this.competition.rewards;
    if (rewards === undefined) throw new CheckpointScheduleError(`competition "${this.competition.id}" has no rewards section`);
    return rewards;
  }

  /** The checkpoint row before any payout: the leaderboard of now, the windows, the settings, the period's cycles. */
  private async freeze(periodStart: Date, periodEnd: Date): Promise<NewCheckpoint> {
    const rewards = this.rewards();
    const { scoring, leaderboard: rules } = this.competition;
    const board = await this.leaderboards.latest();
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

  /** Payouts of a frozen checkpoint for `pool`, or why the function refused (e.g. a required benchmark is missing). */
  private computePayouts(checkpoint: Pick<Checkpoint, 'id' | 'entries' | 'settings' | 'decimals' | 'cycles'>, pool: number): { set: CheckpointPayoutSet } | { error: string } {
    const { settings } = checkpoint;
    let result;
    try {
      result = this.rewardFunctions.compute(settings.function, { standings: rewardStandings(checkpoint.entries), pool, direction: settings.direction, options: settings.options });
    } catch (error) {
      if (error instanceof RewardComputationError) return { error: error.message };
      throw error;
    }
    const { payouts, distributedUnits } = checkpointPayouts(result, checkpoint.decimals);
    const commitment = payoutCommitment(payoutLeaves(this.competition.id, checkpoint.id, checkpoint.decimals, payouts), checkpoint.cycles.last_chained_root);
    return { set: { pool, payouts, distributedUnits, ...commitment, warnings: result.warnings } };
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
