import { FSWatcher, watch } from 'fs';
import { basename, dirname, resolve } from 'path';
import { OrchestratorLogger } from '../orchestrator-logger';
import { codeFingerprint } from './code-fingerprint';
import { InvalidModelEntryError, ModelEntry } from './model-entry';
import { readModelsConfig } from './models-config-file';

/** A config entry together with the identity of its code at scan time. */
export interface DesiredModel {
  entry: ModelEntry;
  codeFingerprint: string;
}

export interface ModelsConfigWatcherOptions {
  path: string;
  logger: OrchestratorLogger;
  /** Called with every desired model whenever the config or a model's code changed. */
  onChange: (desired: DesiredModel[]) => Promise<void>;
  debounceMs?: number;
  /** Periodic rescan: catches code edits and events fs.watch misses. 0 disables it. */
  rescanIntervalMs?: number;
}

/**
 * Follows the models config file: fs.watch on its folder (editors replace files) with a debounce,
 * plus a periodic rescan. A config that no longer parses is logged and the last good one kept.
 *
 * @example
 *   const watcher = new ModelsConfigWatcher({ path, logger, onChange: (desired) => deployments.apply(desired) });
 *   await watcher.start();
 */
export class ModelsConfigWatcher {
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private interval?: NodeJS.Timeout;
  private lastSignature?: string;
  private scanning: Promise<void> = Promise.resolve();
  private stopped = false;
  private lastProblems: InvalidModelEntryError[] = [];
  readonly path: string;

  constructor(private readonly options: ModelsConfigWatcherOptions) {
    this.path = resolve(options.path);
  }

  /** Reads the config once (throws when it is unreadable at start) and starts following it. */
  async start(): Promise<void> {
    await this.scan(true);
    const fileName = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), (_event, changed) => {
        if (!changed || changed.toString() === fileName) this.scheduleRescan();
      });
      this.watcher.on('error', (error) => this.options.logger.warn(`models config watch error: ${error.message}`));
    } catch (error) {
      this.options.logger.warn(`cannot watch ${this.path} (${(error as Error).message}); relying on periodic rescans`);
    }
    const every = this.options.rescanIntervalMs ?? 5000;
    if (every > 0) {
      this.interval = setInterval(() => void this.rescan(), every);
      this.interval.unref();
    }
  }

  /** Re-reads the config and code now; resolves when any resulting change has been applied. */
  rescan(): Promise<void> {
    this.scanning = this.scanning.then(() => (this.stopped ? undefined : this.scan(false)));
    return this.scanning;
  }

  /** The entries the last readable config skipped, with their reasons. */
  get problems(): readonly InvalidModelEntryError[] {
    return this.lastProblems;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    clearTimeout(this.debounce);
    clearInterval(this.interval);
  }

  private scheduleRescan(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.rescan(), this.options.debounceMs ?? 200);
  }

  private async scan(initial: boolean): Promise<void> {
    let config;
    try {
      config = readModelsConfig(this.path);
    } catch (error) {
      if (initial) throw error;
      this.options.logger.error(`${(error as Error).message}; keeping the previous models`);
      return;
    }
    const fingerprints = new Map<string, string>();
    const desired = config.entries.map((entry) => {
      let fingerprint = fingerprints.get(entry.codePath);
      if (fingerprint === undefined) {
        fingerprint = codeFingerprint(entry.codePath);
        fingerprints.set(entry.codePath, fingerprint);
      }
      return { entry, codeFingerprint: fingerprint };
    });
    this.lastProblems = config.problems;
    const signature = JSON.stringify(desired);
    if (signature === this.lastSignature) return;
    for (const problem of config.problems) this.options.logger.warn(`${problem.message} (skipped)`);
    this.lastSignature = signature;
    try {
      await this.options.onChange(desired);
    } catch (error) {
      this.options.logger.error(`applying models config failed: ${(error as Error).message}`);
    }
  }
}
