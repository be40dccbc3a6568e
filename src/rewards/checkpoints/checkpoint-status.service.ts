import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { RewardFunctionRegistry } from '../reward-function.registry';
import { RewardComputationError } from '../reward.errors';
import { canMove, Checkpoint, CheckpointNotFoundError, CheckpointStatus, IllegalCheckpointMoveError } from './checkpoint';
import { computeCheckpointPayouts } from './checkpoint-payouts';
import { CheckpointRepository } from './checkpoint.repository';

/**
 * What an operator does to a checkpoint (the `checkpoint` CLI now, the admin API later): set the
 * pool of a PENDING one (its payouts and commitment are recomputed from its frozen leaderboard),
 * and move it along PENDING -> SUBMITTED -> CLAIMABLE -> PAID, or to FAILED. Each change is one
 * transaction on the locked row and is recorded with who and when; an illegal move throws
 * IllegalCheckpointMoveError naming the current status.
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
  ) {}

  async setPool(id: string, pool: number, actor: string): Promise<Checkpoint> {
    if (!Number.isFinite(pool) || pool < 0) throw new RangeError(`pool must be a finite number >= 0, got ${pool}`);
    await this.dataSource.transaction(async (em) => {
      const checkpoint = await this.repository.lock(em, this.competition.id, id);
      if (checkpoint === null) throw new CheckpointNotFoundError(id);
      if (checkpoint.status !== 'PENDING') throw new IllegalCheckpointMoveError(id, checkpoint.status, 'PENDING', 'the pool can only be set before the checkpoint is submitted');
      const payouts = computeCheckpointPayouts(this.rewardFunctions, this.competition.id, checkpoint, pool);
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

  async get(id: string): Promise<Checkpoint> {
    const checkpoint = await this.repository.get(this.competition.id, id);
    if (checkpoint === null) throw new CheckpointNotFoundError(id);
    return checkpoint;
  }
}
