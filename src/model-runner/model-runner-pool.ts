import { Logger } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { FailureReport } from './protocol/failure-report';
import type { ModelState } from './protocol/model-state';
import type { MembershipMessage } from './membership/orchestrator-membership.client';
import { ModelUnusableError } from './model-runner.errors';

/** What the pool needs of a model runner (ModelRunner in production, fakes in tests). */
export interface PooledRunner {
  readonly model: ModelState;
  start(): Promise<void>;
  updateInfos(model: ModelState): void;
  close(): void;
}

export type PooledRunnerFactory<R extends PooledRunner> = (model: ModelState, onGiveUp: (failure: ModelUnusableError) => void) => R;

export interface PoolEvent {
  type: 'joined' | 'updated' | 'left';
  model: ModelState;
  reason?: string;
}

/**
 * The client state machine of spec section 3: runners keyed by model_id, pending (connecting,
 * in Setup) kept apart from running (ready for calls).
 *
 * - a runner whose deployment_id differs from the message's is treated as absent;
 * - STOPPED/RECOVERING close and remove the matching runner (a stale one is ignored);
 * - RUNNING at the same deployment, ip and port only updates infos;
 * - RUNNING new or moved: close any runner of the model, start a pending one, promote it when
 *   Setup succeeds or report its failure;
 * - `init`: the above, then runners of models absent from `data` are removed. When an init
 *   holds two deployments of one model (a replacement in progress), the newest deployment_id
 *   (`{model_id}_{YYYYmmdd_HHMMSS_mmm}`, so it sorts by time) wins whatever the order.
 *
 * @example
 *   const pool = new ModelRunnerPool((model, onGiveUp) => new ModelRunner(model, settings, security, onGiveUp),
 *     (report) => membership.reportFailure(report));
 *   membership.messages$.subscribe((message) => pool.apply(message));
 */
export class ModelRunnerPool<R extends PooledRunner> {
  private readonly logger = new Logger('ModelRunnerPool');
  private readonly pendingRunners = new Map<string, R>();
  private readonly runningRunners = new Map<string, R>();
  private readonly subject = new Subject<PoolEvent>();
  readonly events$: Observable<PoolEvent> = this.subject.asObservable();
  private closed = false;

  constructor(
    private readonly createRunner: PooledRunnerFactory<R>,
    private readonly reportFailure: (report: FailureReport) => void,
  ) {}

  running(): R[] {
    return [...this.runningRunners.values()];
  }

  runningRunner(modelId: string): R | undefined {
    return this.runningRunners.get(modelId);
  }

  get pendingCount(): number {
    return this.pendingRunners.size;
  }

  /** Applies one membership message; never throws (a bad entry is logged and skipped). */
  apply(message: MembershipMessage): void {
    if (this.closed) return;
    const models = message.event === 'init' ? newestDeployments(message.models) : message.models;
    for (const model of models) {
      try {
        this.applyState(model);
      } catch (error) {
        this.logger.error(`cannot apply ${message.event} for model ${model.model_id}: ${(error as Error).stack ?? error}`);
      }
    }
    if (message.event === 'init') {
      const present = new Set([...models.map((m) => m.model_id), ...message.unreadableModelIds]);
      for (const modelId of [...this.pendingRunners.keys(), ...this.runningRunners.keys()]) {
        if (!present.has(modelId)) this.remove(modelId, 'absent from the orchestrator init');
      }
    }
  }

  /** Reports a failure for a model and drops its runner (the orchestrator then stops it). */
  reportAndDrop(modelId: string, failureCode: FailureReport['failureCode'], reason: string): boolean {
    const runner = this.runningRunners.get(modelId) ?? this.pendingRunners.get(modelId);
    this.reportFailure({ modelId, failureCode, reason, ip: runner?.model.ip ?? '' });
    if (runner) this.remove(modelId, `${failureCode}: ${reason}`);
    return runner !== undefined;
  }

  /**
   * Closes every runner and completes `events$`. Setups still in progress are not awaited:
   * their runners are closed, and a late success or failure is ignored (nothing is reported).
   */
  async closeAll(): Promise<void> {
    this.closed = true;
    for (const modelId of [...this.pendingRunners.keys(), ...this.runningRunners.keys()]) this.remove(modelId, 'coordinator stopping');
    this.subject.complete();
  }

  private applyState(model: ModelState): void {
    const existing = this.runningRunners.get(model.model_id) ?? this.pendingRunners.get(model.model_id);
    const matching = existing && existing.model.deployment_id === model.deployment_id ? existing : undefined;

    if (model.state !== 'RUNNING') {
      if (matching) this.remove(model.model_id, `orchestrator says ${model.state}`);
      else this.logger.debug(`ignoring ${model.state} for ${model.deployment_id}: no runner of that deployment`);
      return;
    }
    if (matching && matching.model.ip === model.ip && matching.model.port === model.port) {
      const changed = JSON.stringify(matching.model.infos) !== JSON.stringify(model.infos);
      matching.updateInfos(model);
      if (changed && this.runningRunners.get(model.model_id) === matching) {
        this.subject.next({ type: 'updated', model: matching.model });
      }
      return;
    }
    if (existing) {
      const why = matching ? `moved to ${model.ip}:${model.port}` : `replaced by deployment ${model.deployment_id}`;
      this.remove(model.model_id, why);
    }
    this.startPending(model);
  }

  private startPending(model: ModelState): void {
    const runner = this.createRunner(model, (failure) => this.giveUp(runner, failure));
    this.pendingRunners.set(model.model_id, runner);
    void runner
      .start()
      .then(
        () => this.promote(runner),
        (error: unknown) => this.startFailed(runner, error),
      )
      .catch((error: unknown) => this.logger.error(`startup of ${model.model_id} crashed: ${String(error)}`));
  }

  private promote(runner: R): void {
    const modelId = runner.model.model_id;
    if (this.pendingRunners.get(modelId) !== runner) {
      runner.close(); // superseded or removed while it was starting
      return;
    }
    this.pendingRunners.delete(modelId);
    this.runningRunners.set(modelId, runner);
    this.logger.log(`model ${modelId} (${runner.model.deployment_id}) is running at ${runner.model.ip}:${runner.model.port}`);
    this.subject.next({ type: 'joined', model: runner.model });
  }

  private startFailed(runner: R, error: unknown): void {
    const modelId = runner.model.model_id;
    runner.close();
    if (this.pendingRunners.get(modelId) !== runner) return;
    this.pendingRunners.delete(modelId);
    const failure =
      error instanceof ModelUnusableError ? error : new ModelUnusableError(modelId, 'CONNECTION_FAILED', String(error));
    if (failure.failureCode === null) {
      this.logger.error(`model ${modelId} not started, coordinator at fault (not reported): ${failure.reason}`);
      return;
    }
    this.reportFailure({ modelId, failureCode: failure.failureCode, reason: failure.reason, ip: runner.model.ip });
  }

  private giveUp(runner: R, failure: ModelUnusableError): void {
    const modelId = runner.model.model_id;
    const current = this.runningRunners.get(modelId) ?? this.pendingRunners.get(modelId);
    if (current !== runner) {
      runner.close();
      return;
    }
    if (failure.failureCode) {
      this.reportFailure({ modelId, failureCode: failure.failureCode, reason: failure.reason, ip: runner.model.ip });
    }
    this.remove(modelId, failure.message);
  }

  private remove(modelId: string, reason: string): void {
    const pending = this.pendingRunners.get(modelId);
    if (pending) {
      this.pendingRunners.delete(modelId);
      pending.close();
    }
    const running = this.runningRunners.get(modelId);
    if (running) {
      this.runningRunners.delete(modelId);
      running.close();
      this.logger.log(`model ${modelId} (${running.model.deployment_id}) left: ${reason}`);
      this.subject.next({ type: 'left', model: running.model, reason });
    }
  }
}

function newestDeployments(models: ModelState[]): ModelState[] {
  const newest = new Map<string, ModelState>();
  for (const model of models) {
    const seen = newest.get(model.model_id);
    if (!seen || model.deployment_id > seen.deployment_id) newest.set(model.model_id, model);
  }
  return [...newest.values()];
}
