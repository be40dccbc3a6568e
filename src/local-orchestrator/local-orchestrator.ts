import { resolve } from 'path';
import { ModelsConfigWatcher } from './config/models-config-watcher';
import { ModelDeployments, ModelStatus } from './deployments/model-deployments';
import { DeploymentIdIssuer } from './membership/deployment-id';
import { MembershipServer } from './membership/membership-server';
import { ModelState } from '../model-runner/protocol/model-state';
import { defaultOrchestratorLogger, OrchestratorLogger } from './orchestrator-logger';
import { DEFAULT_PYTHON_ENVIRONMENTS_DIR, PythonEnvironments } from './python-environments';
import { locateRunnerPaths, RunnerPaths } from './runner-paths';

export interface LocalOrchestratorStartOptions {
  /** The competition served: clients connect to ws://host:port/<crunchId>. */
  crunchId: string;
  /** Interface for the WebSocket and the model gRPC servers, also announced as the models' ip. Default 127.0.0.1. */
  host?: string;
  /** WebSocket port; 0 = ephemeral. Default 9091. */
  wsPort?: number;
  /** YAML list of models (see deployment/models.yaml). */
  modelsConfigPath: string;
  /** The competition's base class (e.g. condorgame.tracker.TrackerBase), checked for shape at start. */
  baseClassName?: string;
  /** Interpreter for Python models. Default `python3`. */
  pythonExecutable?: string;
  /** Where Python models with a requirements.txt get their virtual environments. Default data/python-environments. */
  pythonEnvironmentsDir?: string;
  /** Extra `pip install` options for those environments, e.g. ['--no-index', '--find-links', '/wheels']. */
  pipArgs?: string[];
  /** Periodic config/code rescan; 0 disables it. Default 5000 ms. */
  rescanIntervalMs?: number;
  /** After a caller gives up on a call, how long a model may keep running before its process is restarted. Default 5000 ms. */
  hangGraceMs?: number;
  /** Hard cap on one call. Default 300000 ms. */
  maxCallMs?: number;
  /** Restarts allowed within `restartWindowMs` before a model stays stopped. Default 3 in 10 min. */
  maxRestarts?: number;
  restartWindowMs?: number;
  deployConcurrency?: number;
  logger?: OrchestratorLogger;
  paths?: RunnerPaths;
}

/** A configured model that is not running, for health checks and reports. */
export interface NotRunningModel {
  /** null for a config entry without an id. */
  modelId: string | null;
  /** The models config entry (`models[2] (id 3)`) when the config skipped it. */
  entry: string | null;
  reason: string;
}

export class InvalidOrchestratorOptionsError extends Error {
  constructor(reason: string) {
    super(`local orchestrator: ${reason}`);
    this.name = 'InvalidOrchestratorOptionsError';
  }
}

const CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/;

/**
 * A model orchestrator for development and tests: serves the membership WebSocket and one
 * model-runner gRPC server per model listed in a YAML file, hosting JavaScript/TypeScript and
 * Python submissions, and follows the file for additions, stops and code changes.
 *
 * @example
 *   const orchestrator = new LocalOrchestrator();
 *   const port = await orchestrator.start({ crunchId: 'condorgame', wsPort: 0, modelsConfigPath: 'deployment/models.yaml' });
 *   // coordinator: MODEL_ORCHESTRATOR_URL=ws://127.0.0.1:<port>
 *   await orchestrator.stop();
 */
export class LocalOrchestrator {
  private membership?: MembershipServer;
  private deployments?: ModelDeployments;
  private watcher?: ModelsConfigWatcher;
  private wsPort?: number;
  private host = '127.0.0.1';
  private crunchId = '';

  /** Starts everything; resolves with the WebSocket port once the initial models are deployed. */
  async start(options: LocalOrchestratorStartOptions): Promise<number> {
    if (this.membership) throw new InvalidOrchestratorOptionsError('already started');
    if (!options.crunchId || options.crunchId.includes('/')) {
      throw new InvalidOrchestratorOptionsError(`crunchId ${JSON.stringify(options.crunchId)} is not a path segment`);
    }
    if (options.baseClassName !== undefined && !CLASS_NAME.test(options.baseClassName)) {
      throw new InvalidOrchestratorOptionsError(`baseClassName ${JSON.stringify(options.baseClassName)} must look like module.path.ClassName`);
    }
    if (options.pipArgs !== undefined && !(Array.isArray(options.pipArgs) && options.pipArgs.every((arg) => typeof arg === 'string'))) {
      throw new InvalidOrchestratorOptionsError('pipArgs must be a list of strings');
    }
    const logger = options.logger ?? defaultOrchestratorLogger();
    const pythonExecutable = options.pythonExecutable ?? 'python3';
    this.host = options.host ?? '127.0.0.1';
    this.crunchId = options.crunchId;
    const deployments = new ModelDeployments({
      settings: {
        paths: options.paths ?? locateRunnerPaths(),
        pythonExecutable,
        pythonEnvironments: new PythonEnvironments({
          dir: options.pythonEnvironmentsDir ?? DEFAULT_PYTHON_ENVIRONMENTS_DIR,
          pythonExecutable,
          pipArgs: options.pipArgs,
          logger,
        }),
        logger,
        bindHost: this.host,
        advertisedHost: this.host,
        hangGraceMs: options.hangGraceMs,
        maxCallMs: options.maxCallMs,
      },
      deploymentIds: new DeploymentIdIssuer(),
      publish: (states) => this.membership?.broadcast(states),
      logger,
      maxRestarts: options.maxRestarts,
      restartWindowMs: options.restartWindowMs,
      deployConcurrency: options.deployConcurrency,
    });
    const membership = new MembershipServer({
      crunchId: options.crunchId,
      host: this.host,
      port: options.wsPort ?? 9091,
      runningStates: () => deployments.runningStates(),
      onFailureReports: (reports) => void deployments.reportFailures(reports),
      logger,
    });
    this.deployments = deployments;
    this.membership = membership;
    this.wsPort = await membership.start();
    this.watcher = new ModelsConfigWatcher({
      path: resolve(options.modelsConfigPath),
      logger,
      onChange: (desired) => deployments.apply(desired),
      rescanIntervalMs: options.rescanIntervalMs,
    });
    try {
      await this.watcher.start();
    } catch (error) {
      await this.stop();
      throw error;
    }
    logger.log(`serving ${deployments.runningStates().length} model(s) of ${options.crunchId} on ${this.url}`);
    return this.wsPort;
  }

  /** ws://host:port/<crunchId>, once started. */
  get url(): string {
    return `ws://${this.host}:${this.wsPort}/${this.crunchId}`;
  }

  /** Every deployment currently RUNNING (what a new client receives as `init`). */
  runningStates(): ModelState[] {
    return this.deployments?.runningStates() ?? [];
  }

  statuses(): ModelStatus[] {
    return this.deployments?.statuses() ?? [];
  }

  /**
   * The configured models that are not running and why: entries the models config skipped (an
   * unknown language, a missing code_path) and models halted at start or later (no Python, a
   * crash loop, a failure report). Models the config asks to be STOPPED are not listed.
   */
  notRunning(): NotRunningModel[] {
    const skipped = (this.watcher?.problems ?? []).map((problem) => ({ modelId: problem.modelId ?? null, entry: problem.key, reason: problem.reason }));
    const halted = this.statuses()
      .filter((status) => status.state === 'STOPPED' && status.haltedReason !== undefined)
      .map((status) => ({ modelId: status.modelId, entry: null, reason: status.haltedReason! }));
    return [...skipped, ...halted];
  }

  /** Closes every WebSocket client connection (to exercise client reconnects). */
  dropClientConnections(): number {
    return this.membership?.dropClientConnections() ?? 0;
  }

  /** Re-reads the models config and code now, and waits for the changes to be applied. */
  async rescan(): Promise<void> {
    await this.watcher?.rescan();
    await this.deployments?.settled();
  }

  async stop(): Promise<void> {
    this.watcher?.stop();
    await this.deployments?.stopAll();
    await this.membership?.stop();
    this.watcher = undefined;
    this.deployments = undefined;
    this.membership = undefined;
  }
}
