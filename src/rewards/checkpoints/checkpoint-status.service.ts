import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { ModelRegistryRepository } from '../../predict/registry/model-registry.repository';
import { RewardFunctionRegistry } from '../reward-function.registry';
import { RewardComputationError } from '../reward.errors';
import { canMove, Checkpoint, CheckpointNotFoundError, CheckpointStatus, IllegalCheckpointMoveError } from './checkpoint';
import { computeCheckpointPayouts } from './checkpoint-payouts';
import { CheckpointRepository } from './checkpoint.repository';

/**
 * What an operator does to a checkpoint (the admin API and the `checkpoint` CLI): set the
 * pool of a PENDING one (its payouts and commitment are recomputed from its frozen leaderboard,
 * leaving out the models excluded by then), and move it along PENDING -> SUBMITTED -> CLAIMABLE
 * -> PAID, or to FAILED. Each change is one transaction on the locked row and is recorded with
 * who and when; an illegal move throws IllegalCheckpointMoveError naming the current status.
 * When an operator excludes a model, `withdrawExcluded` recomputes the PENDING checkpoints that
 * would pay it; a submitted checkpoint is never changed.
 *
 * @example
 *   await status.setPool(id, 392.78, 'ops@example');
 *   await status.move(id, 'SUBMITTED', 'ops@example', 'sent to the payer');
 */
@Injectable()
export class CheckpointStatusService {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly rewardFunctions: RewardFunctionRegistry,
    private readonly repository: CheckpointRepository,
    @Optional() private readonly models?: ModelRegistryRepository,
  ) {}

  async setPool(id: string, pool: number, actor: string): Promise<Checkpoint> {
    if (!Number.isFinite(pool) || pool < 0) throw new RangeError(`pool must be a finite number >= 0, got ${pool}`);
    // Read before the transaction: embedded PostgreSQL serves one transaction at a time, so a read on another connection inside it would wait forever.
    const excluded = await this.excludedModelIds();
    await this.dataSource.transaction(async (em) => {
      const checkpoint = await this.repository.lock(em, this.competition.id, id);
      if (checkpoint === null) throw new CheckpointNotFoundError(id);
      if (checkpoint.status !== 'PENDING') throw new IllegalCheckpointMoveError(id, checkpoint.status, 'PENDING', 'the pool can only be set before the checkpoint is submitted');
      const payouts = computeCheckpointPayouts(this.rewardFunctions, this.competition.id, checkpoint, pool, excluded);
      if ('error' in payouts) throw new RewardComputationError(checkpoint.settings.function, payouts.error);
      await this.repository.writePayouts(em, id, payouts.set);
      await this.repository.recordMove(em, id, { from: 'PENDING', to: 'PENDING', actor, at: new Date(this.clock.nowMs()), note: `pool set to ${pool}` });
    });
    return this.get(id);
  }

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

  /**
   * Recomputes the payouts of every PENDING checkpoint that pays an excluded model, each in its
   * own transaction on the locked row, recorded as a move PENDING -> PENDING by `actor`.
   * Returns the ids of the checkpoints recomputed.
   */
  async withdrawExcluded(actor: string): Promise<string[]> {
    const excluded = await this.excludedModelIds();
    if (excluded.size === 0) return [];
    const recomputed: string[] = [];
    for (const id of await this.repository.pendingPaying(this.competition.id, [...excluded])) {
      const changed = await this.dataSource.transaction(async (em) => {
        const checkpoint = await this.repository.lock(em, this.competition.id, id);
        if (checkpoint === null || checkpoint.status !== 'PENDING' || checkpoint.pool === null) return false;
        const payouts = computeCheckpointPayouts(this.rewardFunctions, this.competition.id, checkpoint, checkpoint.pool, excluded);
        if ('error' in payouts) throw new RewardComputationError(checkpoint.settings.function, payouts.error);
        await this.repository.writePayouts(em, id, payouts.set);
        await this.repository.recordMove(em, id, { from: 'PENDING', to: 'PENDING', actor, at: new Date(this.clock.nowMs()), note: 'payouts recomputed without the excluded models' });
        return true;
      });
      if (changed) recomputed.push(id);
    }
    return recomputed;
  }

  private async excludedModelIds(): Promise<Set<string>> {
    return new Set(await this.models?.excludedModelIds(this.competition.id));
  }

  async get(id: string): Promise<Checkpoint> {
    const checkpoint = await this.repository.get(this.competition.id, id);
    if (checkpoint === null) throw new CheckpointNotFoundError(id);
    return checkpoint;
  }
}
