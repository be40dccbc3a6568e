import { Inject, Injectable, Logger } from '@nestjs/common';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { isDatabaseUnavailable } from '../../database/database-unavailable';
import { CallableModel, MODEL_CALLER, ModelCaller } from '../predict.ports';
import { ModelRegistryRepository, RoundRoster } from './model-registry.repository';

/** The reason sent to the orchestrator with LOW_PERFORMANCE for a model an operator disabled. */
export function disabledByOperatorReason(reason: string): string {
  return `disabled by an operator${reason ? `: ${reason}` : ''}`;
}

/**
 * Which models the predict loop may call, read from the registry once per tick and once per round
 * (never per call): an operator disables a model through the admin API, possibly on another
 * instance, and the next tick or round of this one leaves it out.
 *
 * A disabled model that is running here is reported to the orchestrator once per deployment with
 * `LOW_PERFORMANCE`, the code the protocol gives the coordinator for models it stops itself
 * (spec section 3); the runner is dropped and the orchestrator stops the model. Enabling it again
 * clears the flag only: the model comes back on its next membership event (a RUNNING `update` or
 * `init` naming it, e.g. after the participant redeploys), and is then ticked and asked as a new
 * model. While the database is unreachable, the last roster read is used.
 *
 * @example
 *   const roster = await modelRoster.refresh();          // { runningModelIds, disabled }
 *   const callable = modelRoster.callable(caller.runningModels());
 */
@Injectable()
export class ModelRoster {
  private readonly logger = new Logger(ModelRoster.name);
  private last: RoundRoster = { runningModelIds: [], disabled: [] };
  private disabledIds = new Set<string>();
  /** Deployments already reported, so a model is reported once per deployment, not once per tick. */
  private readonly reported = new Set<string>();

  constructor(
    @Inject(MODEL_CALLER) private readonly modelCaller: ModelCaller,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly registry: ModelRegistryRepository,
  ) {}

  /** Reads the roster (one query), reports newly seen disabled deployments, and returns it. */
  async refresh(): Promise<RoundRoster> {
    try {
      this.last = await this.registry.roundRoster(this.competition.id);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.logger.warn(`model registry unreachable (${(error as Error).message}); using the roster it last gave (${this.last.runningModelIds.length} running, ${this.last.disabled.length} disabled)`);
    }
    this.disabledIds = new Set(this.last.disabled.map((d) => d.modelId));
    this.reportDisabled();
    return this.last;
  }

  /** The models of `models` that are not disabled (as of the last refresh). */
  callable<T extends Pick<CallableModel, 'modelId'>>(models: readonly T[]): T[] {
    return models.filter((m) => !this.disabledIds.has(m.modelId));
  }

  isDisabled(modelId: string): boolean {
    return this.disabledIds.has(modelId);
  }

  private reportDisabled(): void {
    if (this.disabledIds.size === 0 || !this.modelCaller.reportLowPerformance) return;
    const reasons = new Map(this.last.disabled.map((d) => [d.modelId, d.reason]));
    for (const model of this.modelCaller.runningModels()) {
      const reason = reasons.get(model.modelId);
      if (reason === undefined || this.reported.has(model.deploymentId)) continue;
      this.reported.add(model.deploymentId);
      this.logger.warn(`model ${model.modelId} (${model.deploymentId}) is disabled by an operator: reported LOW_PERFORMANCE to the orchestrator`);
      this.modelCaller.reportLowPerformance(model.modelId, disabledByOperatorReason(reason));
    }
  }
}
