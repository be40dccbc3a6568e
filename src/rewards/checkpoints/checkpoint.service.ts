import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition, RewardsDefinition } from '../../config/competition/competition.types';
import { LeaderboardService } from '../../leaderboard/leaderboard.service';
import { ModelRegistryRepository } from '../../predict/registry/model-registry.repository';
import type { ParamStanding } from '../../score/model-standing';
import { withAdvisoryLock } from '../../score/advisory-lock';
import { ScoreCycleService } from '../../score/score-cycle.service';
import { ScoreSnapshotRepository } from '../../score/score-snapshot.repository';
import { RecurringJob } from '../../clock/recurring-job.decorator';
import { ScoreCommitmentRepository } from '../../score/score-commitment.repository';
import { RewardFunctionRegistry } from '../reward-function.registry';
import { Checkpoint, CheckpointSettings, FrozenEntry } from './checkpoint';
import { computeCheckpointPayouts, freezeEntries } from './checkpoint-payouts';
import { CheckpointRepository, NewCheckpoint } from './checkpoint.repository';

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
    const excluded = new Set(await this.models?.excludedModelIds(this.competition.id));
    const payouts = frozen.pool === null ? null : computeCheckpointPayouts(this.rewardFunctions, this.competition.id, frozen, frozen.pool, excluded);
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
