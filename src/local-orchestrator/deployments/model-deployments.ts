import { DesiredModel } from '../config/models-config-watcher';
import { ModelHostLoss } from '../hosts/model-host';
import { DeploymentIdIssuer } from '../membership/deployment-id';
import type { ReceivedFailureReport } from '../../model-runner/protocol/failure-report';
import type { ModelState } from '../../model-runner/protocol/model-state';
import { OrchestratorLogger } from '../orchestrator-logger';
import { DeploymentSettings, deploymentSignature, infosOf, ModelDeployment } from './model-deployment';

export interface ModelDeploymentsOptions {
  settings: DeploymentSettings;
  deploymentIds: DeploymentIdIssuer;
  /** Receives every state change, in order (the membership server broadcasts them). */
  publish: (states: ModelState[]) => void;
  logger: OrchestratorLogger;
  /** A model lost more than this many times within `restartWindowMs` stays stopped. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Deployments started at once when the config changes. */
  deployConcurrency?: number;
}

/** Where one model stands, for status pages, logs and tests. */
export interface ModelStatus {
  modelId: string;
  state: 'RUNNING' | 'STOPPED';
  deploymentId?: string;
  port?: number;
  /** Why the model is stopped although its config asks for RUNNING (start failure, report, crash loop). */
  haltedReason?: string;
}

interface ManagedModel {
  id: string;
  desired?: DesiredModel;
  current?: ModelDeployment;
  /** Old deployments being replaced: still in `init` until they are stopped. */
  retiring: Set<ModelDeployment>;
  /** Kept stopped until the model's code or way of running changes. */
  halted?: { reason: string; signature: string };
  losses: number[];
  queue: Promise<void>;
}

/**
 * Keeps the running deployments equal to the desired models: starts, replaces (new RUNNING, then
 * old STOPPED), stops, restarts lost hosts with a new deployment id, and halts models that are
 * reported as failed, crash in a loop or cannot start. Work on one model is serialised.
 *
 * @example
 *   const deployments = new ModelDeployments({ settings, deploymentIds: new DeploymentIdIssuer(), publish, logger });
 *   await deployments.apply(desiredModels);
 */
export class ModelDeployments {
  private readonly models = new Map<string, ManagedModel>();

  constructor(private readonly options: ModelDeploymentsOptions) {}

  async apply(desired: DesiredModel[]): Promise<void> {
    const byId = new Map(desired.map((model) => [model.entry.id, model]));
    const ids = new Set([...this.models.keys(), ...byId.keys()]);
    for (const id of ids) this.model(id).desired = byId.get(id);
    await runWithConcurrency([...ids], this.options.deployConcurrency ?? 16, (id) =>
      this.enqueue(this.model(id), (model) => this.reconcile(model)),
    );
  }

  /** Stops each reported model and keeps it stopped until its code or config changes. */
  async reportFailures(reports: ReceivedFailureReport[]): Promise<void> {
    await Promise.all(
      reports.map((report) => {
        const model = this.models.get(report.modelId);
        if (!model) {
          this.options.logger.warn(`failure reported for unknown model ${report.modelId} (${report.failureCode})`);
          return Promise.resolve();
        }
        return this.enqueue(model, async () => {
          const current = model.current;
          if (!current) return;
          const reason = `reported ${report.failureCode}${report.reason ? `: ${report.reason}` : ''}`;
          this.options.logger.warn(`model ${model.id} stopped: ${reason}`);
          model.halted = { reason, signature: current.signature };
          await this.retire(model, current);
        });
      }),
    );
  }

  runningStates(): ModelState[] {
    const states: ModelState[] = [];
    for (const model of this.models.values()) {
      for (const old of model.retiring) states.push(old.stateAs('RUNNING'));
      if (model.current) states.push(model.current.stateAs('RUNNING'));
    }
    return states;
  }

  statuses(): ModelStatus[] {
    return [...this.models.values()].map((model) => ({
      modelId: model.id,
      state: model.current ? 'RUNNING' : 'STOPPED',
      deploymentId: model.current?.deploymentId,
      port: model.current?.port,
      haltedReason: model.halted?.reason,
    }));
  }

  /** Waits for queued work on every model (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.models.values()].map((model) => model.queue));
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.models.values()].map((model) =>
        this.enqueue(model, async () => {
          model.desired = undefined;
          if (model.current) await this.retire(model, model.current);
        }),
      ),
    );
  }

  private model(id: string): ManagedModel {
    let model = this.models.get(id);
    if (!model) {
      model = { id, retiring: new Set(), losses: [], queue: Promise.resolve() };
      this.models.set(id, model);
    }
    return model;
  }

  private enqueue(model: ManagedModel, work: (model: ManagedModel) => Promise<void>): Promise<void> {
    const next = model.queue.then(() => work(model));
    model.queue = next.catch((error: unknown) =>
      this.options.logger.error(`model ${model.id}: ${(error as Error)?.message ?? String(error)}`),
    );
    return model.queue;
  }

  private async reconcile(model: ManagedModel): Promise<void> {
    const desired = model.desired;
    if (!desired || desired.entry.desiredState === 'STOPPED') {
      model.halted = undefined;
      if (model.current) await this.retire(model, model.current);
      if (!desired) this.models.delete(model.id);
      return;
    }
    const signature = deploymentSignature(desired);
    if (model.halted) {
      if (model.halted.signature === signature) return;
      model.halted = undefined;
      model.losses = [];
    }
    const current = model.current;
    if (current && current.signature === signature) {
      const before = JSON.stringify(infosOf(current.desired));
      current.desired = desired;
      if (JSON.stringify(infosOf(desired)) !== before) this.options.publish([current.stateAs('RUNNING')]);
      return;
    }
    await this.deploy(model, desired);
  }

  /** Starts a new deployment; the previous one (if any) is stopped after the new one is announced. */
  private async deploy(model: ManagedModel, desired: DesiredModel): Promise<void> {
    const deploymentId = this.options.deploymentIds.next(model.id);
    let deployment: ModelDeployment;
    try {
      deployment = await ModelDeployment.start(desired, deploymentId, this.options.settings);
    } catch (error) {
      const reason = (error as Error).message;
      this.options.logger.error(`model ${model.id} (${desired.entry.language}, ${desired.entry.codePath}) not started: ${reason}`);
      model.halted = { reason, signature: deploymentSignature(desired) };
      if (model.current && !model.current.isAlive()) await this.retire(model, model.current);
      return;
    }
    deployment.onLoss((loss) => void this.enqueue(model, () => this.recover(model, deployment, loss)));
    const previous = model.current;
    model.current = deployment;
    this.options.publish([deployment.stateAs('RUNNING')]);
    if (previous) {
      model.retiring.add(previous);
      model.current = deployment;
      await this.stopDeployment(model, previous);
    }
  }

  private async recover(model: ManagedModel, lost: ModelDeployment, loss: ModelHostLoss): Promise<void> {
    if (model.current !== lost) return;
    const now = Date.now();
    const windowMs = this.options.restartWindowMs ?? 10 * 60_000;
    model.losses = model.losses.filter((at) => now - at < windowMs);
    model.losses.push(now);
    const maxRestarts = this.options.maxRestarts ?? 3;
    this.options.logger.warn(`model ${model.id} deployment ${lost.deploymentId} ${loss.kind}: ${loss.reason}`);
    if (!model.desired || model.desired.entry.desiredState === 'STOPPED' || model.losses.length > maxRestarts) {
      if (model.losses.length > maxRestarts) {
        model.halted = {
          reason: `${loss.kind} ${model.losses.length} times within ${windowMs} ms (last: ${loss.reason})`,
          signature: lost.signature,
        };
        this.options.logger.error(`model ${model.id} stopped: ${model.halted.reason}`);
      }
      await this.retire(model, lost);
      return;
    }
    // Clients drop the lost deployment now; the replacement follows as RUNNING, then the old one STOPPED.
    this.options.publish([lost.stateAs('RECOVERING')]);
    await this.deploy(model, model.desired);
  }

  /** Stops the current deployment and announces it STOPPED. */
  private async retire(model: ManagedModel, deployment: ModelDeployment): Promise<void> {
    if (model.current === deployment) model.current = undefined;
    model.retiring.add(deployment);
    await this.stopDeployment(model, deployment);
  }

  private async stopDeployment(model: ManagedModel, deployment: ModelDeployment): Promise<void> {
    try {
      await deployment.stop();
    } finally {
      model.retiring.delete(deployment);
      this.options.publish([deployment.stateAs('STOPPED')]);
    }
  }
}

async function runWithConcurrency<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
