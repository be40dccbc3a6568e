import { DesiredModel } from '../config/models-config-watcher';
import { ModelGrpcServer } from '../grpc/model-grpc-server';
import { createModelHost, ModelHostSettings } from '../hosts/model-host-factory';
import { ModelHost, ModelHostLoss } from '../hosts/model-host';
import { ModelInfos, ModelRunState, ModelState } from '../../model-runner/protocol/model-state';
import { PythonEnvironments } from '../python-environments';

export interface DeploymentSettings extends ModelHostSettings {
  /** Interface the model gRPC servers bind to. */
  bindHost: string;
  /** Address announced to clients (`ip` of the model state). */
  advertisedHost: string;
  hangGraceMs?: number;
  maxCallMs?: number;
  /** Per-model virtual environments for Python models with a requirements.txt. */
  pythonEnvironments?: PythonEnvironments;
}

/** What makes two deployments of a model interchangeable: same code and same way of running it. */
export function deploymentSignature(desired: DesiredModel): string {
  const { codePath, language, isolation } = desired.entry;
  return JSON.stringify([codePath, language, isolation, desired.codeFingerprint]);
}

export function infosOf(desired: DesiredModel): ModelInfos {
  const { entry } = desired;
  return {
    model_name: entry.name,
    cruncher_id: entry.cruncherId,
    cruncher_name: entry.cruncherName,
    cruncher_wallet_pubkey: entry.walletPubkey,
    cruncher_hotkey: entry.hotkey,
  };
}

/**
 * One running copy of a model: its host and its gRPC server on an ephemeral port, under one deployment id.
 *
 * @example
 *   const deployment = await ModelDeployment.start(desired, '42_20260101_000000_000', settings);
 *   membership.broadcast([deployment.stateAs('RUNNING')]);
 */
export class ModelDeployment {
  readonly signature: string;

  private constructor(
    readonly deploymentId: string,
    public desired: DesiredModel,
    private readonly host: ModelHost,
    private readonly server: ModelGrpcServer,
    readonly port: number,
    private readonly advertisedHost: string,
  ) {
    this.signature = deploymentSignature(desired);
  }

  static async start(desired: DesiredModel, deploymentId: string, settings: DeploymentSettings): Promise<ModelDeployment> {
    const pythonExecutable =
      desired.entry.language === 'python' && settings.pythonEnvironments
        ? await settings.pythonEnvironments.interpreterFor(desired.entry.codePath)
        : settings.pythonExecutable;
    const host = createModelHost(desired.entry, { ...settings, pythonExecutable });
    await host.start();
    const server = new ModelGrpcServer({
      modelId: desired.entry.id,
      host,
      bindHost: settings.bindHost,
      logger: settings.logger,
      hangGraceMs: settings.hangGraceMs,
      maxCallMs: settings.maxCallMs,
    });
    let port: number;
    try {
      port = await server.start();
    } catch (error) {
      await host.stop();
      throw error;
    }
    return new ModelDeployment(deploymentId, desired, host, server, port, settings.advertisedHost);
  }

  get modelId(): string {
    return this.desired.entry.id;
  }

  isAlive(): boolean {
    return this.host.isAlive();
  }

  onLoss(listener: (loss: ModelHostLoss) => void): void {
    this.host.onLoss(listener);
  }

  stateAs(state: ModelRunState): ModelState {
    return {
      model_id: this.modelId,
      deployment_id: this.deploymentId,
      state,
      ip: this.advertisedHost,
      port: this.port,
      infos: infosOf(this.desired),
    };
  }

  async stop(): Promise<void> {
    await Promise.all([this.server.stop(), this.host.stop()]);
  }
}
