import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { Clock } from '../../clock/clock';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.tokens';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { ModelMembershipEvent, MODEL_CALLER, ModelCaller } from '../predict.ports';
import { ModelRegistryRepository } from './model-registry.repository';

/**
 * Keeps the `models` table in step with the running models: every membership event becomes one targeted
 * write, applied in arrival order (a join followed by a leave never lands reversed). At start it
 * reconciles with the model caller's current running set, so rows a previous process left RUNNING are
 * stopped and models that joined before the subscription are recorded.
 * A failed write is logged with the model id and never stops the stream. Only a process with
 * the `predict` role (the one connected to the orchestrator) writes membership.
 */
@Injectable()
export class ModelRegistryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModelRegistryService.name);
  private subscription?: Subscription;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    @Inject(MODEL_CALLER) private readonly modelCaller: ModelCaller,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly registry: ModelRegistryRepository,
    private readonly clock: Clock,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Another role's process has no orchestrator connection: its empty running set must not stop every model.
    if (this.config && !this.config.roles.includes('predict')) return;
    this.start();
  }

  /** Subscribes to membership and reconciles with the current running set (idempotent). */
  start(): void {
    if (this.subscription) return;
    this.subscription = this.modelCaller.membership$.subscribe({
      next: (event) => this.enqueue(() => this.apply(event), `${event.type} ${event.model?.modelId}`),
      error: (error) => this.logger.error(`membership stream failed: ${String((error as Error)?.message ?? error)}`),
    });
    this.enqueue(() => this.reconcile(), 'start-up reconciliation');
  }

  /** Resolves when every event received so far is written. */
  idle(): Promise<void> {
    return this.queue;
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.queue;
  }

  private enqueue(work: () => Promise<void>, what: string): void {
    this.queue = this.queue.then(work).catch((error) => {
      this.logger.error(`model registry: ${what}: ${(error as Error)?.message ?? String(error)}`);
    });
  }

  private async apply(event: ModelMembershipEvent): Promise<void> {
    const at = this.clock.now();
    if (event.type === 'left') {
      await this.registry.recordLeft(event.model.modelId, event.model.deploymentId, at);
      this.logger.log(`model ${event.model.modelId} left${event.reason ? `: ${event.reason}` : ''}`);
      return;
    }
    await this.registry.recordRunning(this.competition.id, event.model, at);
    if (event.type === 'joined') this.logger.log(`model ${event.model.modelId} (${event.model.modelName}) joined`);
  }

  private async reconcile(): Promise<void> {
    const at = this.clock.now();
    const running = this.modelCaller.runningModels();
    const stopped = await this.registry.stopAllExcept(this.competition.id, running.map((m) => m.modelId), at);
    if (stopped.length) this.logger.log(`${stopped.length} model(s) no longer running since the last start marked STOPPED`);
    for (const model of running) await this.registry.recordRunning(this.competition.id, model, at);
  }
}
