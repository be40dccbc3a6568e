import { ModelHost, ModelHostLoss, ModelHostStartError, ModelRunnerFailure } from './model-host';
import { TypedValue } from './typed-value';

/** The plain-JS runtime shared with the child-process worker (deployment/runners/js/model-runtime.js). */
interface JsModelRuntime {
  setup(className: string, args: TypedValue[], kwargs: Record<string, TypedValue>): void;
  call(method: string, args: TypedValue[], kwargs: Record<string, TypedValue>): Promise<TypedValue>;
  rest(): void;
}

interface JsRuntimeModule {
  ModelRuntime: new (options: { codeDir: string; packagesDir: string; language: string; freshModules?: boolean }) => JsModelRuntime;
}

/**
 * Node's own `createRequire`. Test runners (jest) hand out a `module` whose createRequire is their
 * sandboxed loader; theirs is a subclass of Node's Module, so the real one is further up the chain.
 */
function nodeCreateRequire(): (path: string) => NodeJS.Require {
  let moduleClass = process.getBuiltinModule('module') as unknown as { createRequire: (path: string) => NodeJS.Require };
  for (let up = Object.getPrototypeOf(moduleClass); up && typeof up.createRequire === 'function'; up = Object.getPrototypeOf(up)) {
    moduleClass = up;
  }
  return moduleClass.createRequire;
}

export interface InlineJsModelHostOptions {
  modelId: string;
  codeDir: string;
  language: 'javascript' | 'typescript';
  runtimePath: string;
  packagesDir: string;
}

/**
 * Runs a trusted JavaScript model inside the orchestrator's own process: no process per model,
 * so thousands of trivial models fit on two cores (benchmarks). A model that blocks the event
 * loop blocks the orchestrator: use process isolation for untrusted code.
 *
 * @example
 *   const host = new InlineJsModelHost({ modelId: '1', codeDir, language: 'javascript', runtimePath, packagesDir });
 */
export class InlineJsModelHost implements ModelHost {
  readonly isolation = 'inline' as const;
  private runtime?: JsModelRuntime;
  private alive = false;
  private lossListener?: (loss: ModelHostLoss) => void;

  constructor(private readonly options: InlineJsModelHostOptions) {}

  async start(): Promise<void> {
    try {
      // Node's own loader, not a test runner's: models import the base class from the packages
      // directory through NODE_PATH, and the base class must be one shared module instance.
      const runtimeModule = nodeCreateRequire()(this.options.runtimePath)(this.options.runtimePath) as JsRuntimeModule;
      this.runtime = new runtimeModule.ModelRuntime({
        codeDir: this.options.codeDir,
        packagesDir: this.options.packagesDir,
        language: this.options.language,
        freshModules: true,
      });
    } catch (error) {
      throw new ModelHostStartError(this.options.modelId, `JS runtime cannot be loaded: ${(error as Error).message}`);
    }
    this.alive = true;
  }

  async setup(className: string, args: TypedValue[], kwargs: Record<string, TypedValue>): Promise<void> {
    await this.run(async (runtime) => runtime.setup(className, args, kwargs));
  }

  call(method: string, args: TypedValue[], kwargs: Record<string, TypedValue>): Promise<TypedValue> {
    return this.run((runtime) => runtime.call(method, args, kwargs));
  }

  async rest(): Promise<void> {
    await this.run(async (runtime) => runtime.rest());
  }

  isAlive(): boolean {
    return this.alive;
  }

  abandon(reason: string): void {
    // A pending promise cannot be interrupted in-process; the instance is dropped instead.
    this.lose({ kind: 'hung', reason });
  }

  onLoss(listener: (loss: ModelHostLoss) => void): void {
    this.lossListener = listener;
  }

  async stop(): Promise<void> {
    this.alive = false;
    this.runtime = undefined;
  }

  private lose(loss: ModelHostLoss): void {
    if (!this.alive) return;
    this.alive = false;
    this.runtime = undefined;
    this.lossListener?.(loss);
  }

  private async run<T>(work: (runtime: JsModelRuntime) => Promise<T>): Promise<T> {
    const runtime = this.runtime;
    if (!runtime || !this.alive) {
      throw new ModelRunnerFailure('MODEL_FAILED', `model ${this.options.modelId} is no longer running`);
    }
    try {
      return await work(runtime);
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      if (typeof code === 'string') throw ModelRunnerFailure.fromReported(error, this.options.modelId);
      throw new ModelRunnerFailure('MODEL_FAILED', `runner error: ${String((error as Error)?.message ?? error)}`);
    }
  }
}
