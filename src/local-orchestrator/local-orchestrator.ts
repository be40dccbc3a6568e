import { resolve } from 'path';
import { codeFingerprint } from './config/code-fingerprint';
import type { ModelEntry, ModelLanguage } from './config/model-entry';
import { DesiredModel, ModelsConfigWatcher } from './config/models-config-watcher';
import { ModelOutputLine, ModelOutputLog } from './logs/model-output-log';
import { ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, readModelArchive, stripCommonFolder } from './uploads/model-archive';
import { detectLanguage, UploadedModelFields, UploadedModels } from './uploads/uploaded-models';
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
  /** Where models uploaded through the API are kept (code and uploads.json). Unset: uploads are refused. */
  uploadsDir?: string;
  /** Largest archive the API accepts (the HTTP layer enforces it). Default 50 MB. */
  maxUploadBytes?: number;
  archiveLimits?: ArchiveLimits;
}

/** One model as the orchestrator API lists it. */
export interface OrchestratorModel {
  model_id: string;
  name: string;
  cruncher_id: string;
  cruncher_name: string;
  language: ModelLanguage;
  /** `config`: the models config file; `upload`: uploaded through the API. */
  source: 'config' | 'upload';
  desired_state: 'RUNNING' | 'STOPPED';
  /** RUNNING, STOPPED (as desired), PENDING (being deployed), FAILED (halted: see status_message). */
  status: 'RUNNING' | 'STOPPED' | 'PENDING' | 'FAILED';
  status_message: string | null;
  deployment_id: string | null;
  uploaded_at: string | null;
}

/** No model with this id (answered as a 404). */
export class OrchestratorModelNotFoundError extends Error {
  constructor(readonly modelId: string) {
    super(`no model ${modelId} in the local orchestrator`);
    this.name = 'OrchestratorModelNotFoundError';
  }
}

/** The request conflicts with where the model is defined or with the orchestrator's setup (a 409). */
export class OrchestratorModelConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrchestratorModelConflictError';
  }
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
  private fileModels: DesiredModel[] = [];
  private uploads?: UploadedModels;
  private archiveLimits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS;
  private applying: Promise<void> = Promise.resolve();
  private modelsConfigPath = '';
  /** Largest archive the API accepts. */
  maxUploadBytes = 50 * 1024 * 1024;
  /** Recent output of every model process (the API's log tail). */
  readonly output = new ModelOutputLog();

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
        output: this.output,
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
    this.uploads = options.uploadsDir === undefined ? undefined : new UploadedModels(options.uploadsDir);
    this.archiveLimits = options.archiveLimits ?? DEFAULT_ARCHIVE_LIMITS;
    this.maxUploadBytes = options.maxUploadBytes ?? this.maxUploadBytes;
    this.modelsConfigPath = resolve(options.modelsConfigPath);
    this.wsPort = await membership.start();
    this.watcher = new ModelsConfigWatcher({
      path: this.modelsConfigPath,
      logger,
      onChange: (desired) => {
        this.fileModels = desired;
        return this.applyAll();
      },
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

  /** Every model of the models config file and every uploaded one, with where it stands. */
  models(): OrchestratorModel[] {
    const statuses = new Map(this.statuses().map((status) => [status.modelId, status]));
    const listed = this.desiredModels().map(({ entry }) => this.describe(entry, statuses.get(entry.id)));
    const skipped = (this.watcher?.problems ?? []).filter((p) => p.modelId !== undefined && !listed.some((m) => m.model_id === p.modelId));
    return [
      ...listed,
      ...skipped.map((p): OrchestratorModel => ({
        model_id: p.modelId!,
        name: p.modelId!,
        cruncher_id: '',
        cruncher_name: '',
        language: 'python',
        source: 'config',
        desired_state: 'RUNNING',
        status: 'FAILED',
        status_message: p.reason,
        deployment_id: null,
        uploaded_at: null,
      })),
    ].sort((a, b) => a.model_id.localeCompare(b.model_id, 'en', { numeric: true }));
  }

  model(id: string): OrchestratorModel {
    const found = this.models().find((m) => m.model_id === id);
    if (!found) throw new OrchestratorModelNotFoundError(id);
    return found;
  }

  /**
   * Unpacks an uploaded archive (zip, tar, tar.gz: checked entry by entry, nothing written outside
   * the model's folder) as a new version of the model's code and deploys it; a model of the same id
   * uploaded before is replaced (its old code deleted once the new one is deployed). Refused: an id
   * of the models config file, an archive that is not one, unsafe or without an entry point.
   */
  async upload(fields: UploadedModelFields, archive: Buffer): Promise<OrchestratorModel> {
    const uploads = this.requireUploads();
    if (this.fileModels.some((m) => m.entry.id === fields.id)) {
      throw new OrchestratorModelConflictError(`model ${fields.id} is defined in ${this.modelsConfigPath}: change it there, or upload under another id`);
    }
    const files = stripCommonFolder(await readModelArchive(archive, this.archiveLimits));
    const language = detectLanguage(files, fields.language);
    const previous = uploads.store(fields, files, language);
    this.output.append(fields.id, 'orchestrator', `uploaded ${files.length} file(s) (${language}); deploying`);
    await this.applyAll();
    if (previous) uploads.deleteCode(previous);
    return this.model(fields.id);
  }

  /** RUNNING or STOPPED; for a model of the config file, kept until changed again (it wins over the file). */
  async setDesiredState(id: string, desired: 'RUNNING' | 'STOPPED'): Promise<OrchestratorModel> {
    const fromFile = this.fileModels.some((m) => m.entry.id === id);
    if (!fromFile && !this.uploads?.has(id)) throw new OrchestratorModelNotFoundError(id);
    this.requireUploads().setDesiredState(id, desired, fromFile);
    this.output.append(id, 'orchestrator', `desired state set to ${desired}`);
    await this.applyAll();
    return this.model(id);
  }

  /** Stops and deletes an uploaded model and its code; a model of the config file is refused. */
  async remove(id: string): Promise<void> {
    if (this.fileModels.some((m) => m.entry.id === id)) {
      throw new OrchestratorModelConflictError(`model ${id} is defined in ${this.modelsConfigPath}: remove it there (or set its desired_state to STOPPED)`);
    }
    const uploads = this.uploads;
    if (!uploads?.has(id)) throw new OrchestratorModelNotFoundError(id);
    uploads.remove(id);
    await this.applyAll();
    uploads.deleteCode(uploads.modelDir(id));
    this.output.forget(id);
  }

  /** The newest `lines` lines of a model's output (its process's stdout and stderr, and the orchestrator's notes). */
  logs(id: string, lines: number): ModelOutputLine[] {
    this.model(id);
    return this.output.tail(id, lines);
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

  /** The models config file's models (with the API's desired-state overrides) and the uploaded ones. */
  private desiredModels(): DesiredModel[] {
    const fromFile = this.fileModels.map((m) => {
      const override = this.uploads?.desiredStateOverride(m.entry.id);
      return override === undefined ? m : { ...m, entry: { ...m.entry, desiredState: override } };
    });
    const fileIds = new Set(fromFile.map((m) => m.entry.id));
    const uploaded = (this.uploads?.entries() ?? []).filter((e) => !fileIds.has(e.id)).map((entry) => ({ entry, codeFingerprint: codeFingerprint(entry.codePath) }));
    return [...fromFile, ...uploaded];
  }

  /** Applies the desired models, one apply at a time (the file watcher and the API both change them). */
  private applyAll(): Promise<void> {
    const run = this.applying.then(() => this.deployments?.apply(this.desiredModels()));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private describe(entry: ModelEntry, status: ModelStatus | undefined): OrchestratorModel {
    const running = status?.state === 'RUNNING';
    const failed = !running && status?.haltedReason !== undefined;
    return {
      model_id: entry.id,
      name: entry.name,
      cruncher_id: entry.cruncherId,
      cruncher_name: entry.cruncherName,
      language: entry.language,
      source: this.fileModels.some((m) => m.entry.id === entry.id) ? 'config' : 'upload',
      desired_state: entry.desiredState,
      status: running ? 'RUNNING' : failed ? 'FAILED' : entry.desiredState === 'STOPPED' ? 'STOPPED' : 'PENDING',
      status_message: failed ? status!.haltedReason! : null,
      deployment_id: status?.deploymentId ?? null,
      uploaded_at: this.uploads?.uploadedAt(entry.id) ?? null,
    };
  }

  private requireUploads(): UploadedModels {
    if (!this.uploads) throw new OrchestratorModelConflictError('this local orchestrator was started without an uploads folder: uploads and desired-state changes are off');
    return this.uploads;
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
