import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { ModelFlagName, ModelRegistryRepository, RegisteredModel } from '../../predict/registry/model-registry.repository';
import { CheckpointStatusService } from '../../rewards/checkpoints/checkpoint-status.service';
import { AdminModelDto, mapAdminModel } from './model-flag.dto';

/** What excluding a model changed: the model, and the PENDING checkpoints whose payouts were recomputed without it. */
export interface ExclusionResult extends AdminModelDto {
  recomputed_checkpoints: string[];
}

/**
 * The operator's flags on a model, written to `models` (the instance that serves the admin API
 * need not be the one that calls the models: the predict role reads the flags once per tick and
 * per round, see ModelRoster; the leaderboard reads them at each refresh).
 *
 * - disable: no more tick or predict calls; the predict role reports it LOW_PERFORMANCE to the
 *   orchestrator, which stops it. Its scores stay; it shows as `disabled`.
 * - enable: the flag goes; the model comes back on its next membership event (a RUNNING message
 *   naming it: a redeploy, a restart, the orchestrator's next `init`), as a new model: history
 *   tick first, then predicts.
 * - exclude: no rank from the next leaderboard on, no payout in any checkpoint computed from now
 *   (PENDING checkpoints that would pay it are recomputed now); its predictions and scores stay.
 * - include: ranked again from the next leaderboard; checkpoints computed from then pay it.
 *
 * @example
 *   await flags.disable('model-7f3a', 'sends the same forecast every round');
 */
@Injectable()
export class ModelFlagsService {
  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly registry: ModelRegistryRepository,
    private readonly checkpoints: CheckpointStatusService,
  ) {}

  async disable(modelId: string, reason: string): Promise<AdminModelDto> {
    return mapAdminModel(await this.set(modelId, 'disabled', reason));
  }

  async enable(modelId: string): Promise<AdminModelDto> {
    return mapAdminModel(await this.set(modelId, 'disabled', null));
  }

  async exclude(modelId: string, reason: string, actor: string): Promise<ExclusionResult> {
    const model = await this.set(modelId, 'excluded', reason);
    const recomputed = await this.checkpoints.withdrawExcluded(actor);
    return { ...mapAdminModel(model), recomputed_checkpoints: recomputed };
  }

  async include(modelId: string): Promise<AdminModelDto> {
    return mapAdminModel(await this.set(modelId, 'excluded', null));
  }

  private async set(modelId: string, name: ModelFlagName, reason: string | null): Promise<RegisteredModel> {
    const flag = reason === null ? null : { at: this.clock.now(), reason };
    const model = await this.registry.setFlag(this.competition.id, modelId, name, flag);
    if (model === null) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no model ${modelId} in competition ${this.competition.id}` });
    return model;
  }
}
