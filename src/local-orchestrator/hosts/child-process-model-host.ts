import { ModelHost, ModelHostLoss, ModelHostStartError, ModelRunnerFailure } from './model-host';
import { ModelProcessChannel, ModelProcessLauncher } from './model-process-channel';
import { isTypedValue, TypedValue } from './typed-value';

interface PendingRequest {
  op: string;
  resolve: (value: TypedValue | undefined) => void;
  reject: (error: Error) => void;
}

export interface ChildProcessModelHostOptions {
  modelId: string;
  launch: ModelProcessLauncher;
  /** How long the process may take to say it is ready. */
  startTimeoutMs?: number;
}

/**
 * Runs a model in its own process (JavaScript worker or Python bridge), so a model that hangs or
 * crashes cannot hurt the orchestrator. Requests are numbered; answers are matched by id.
 *
 * @example
 *   const host = new ChildProcessModelHost({ modelId: '7', launch: () => launchPythonBridge({...}) });
 *   await host.start();
 */
export class ChildProcessModelHost implements ModelHost {
  readonly isolation = 'process' as const;
  private channel?: ModelProcessChannel;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private alive = false;
  private stopping = false;
  private abandonedFor?: string;
  private lossListener?: (loss: ModelHostLoss) => void;
  private exited?: Promise<string>;

  constructor(private readonly options: ChildProcessModelHostOptions) {}

  start(): Promise<void> {
    const { modelId } = this.options;
    let channel: ModelProcessChannel;
    try {
      channel = this.options.launch();
    } catch (error) {
      return Promise.reject(new ModelHostStartError(modelId, (error as Error).message));
    }
    this.channel = channel;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ModelHostStartError(modelId, `process not ready after ${this.startTimeoutMs} ms`));
        channel.kill();
      }, this.startTimeoutMs);
      this.exited = new Promise<string>((exited) => {
        channel.onExit((description) => {
          clearTimeout(timer);
          exited(description);
          if (!this.alive) reject(new ModelHostStartError(modelId, description));
          this.handleExit(description);
        });
      });
      channel.onMessage((message) => {
        if ((message as { event?: unknown })?.event === 'ready' && !this.alive && !this.stopping) {
          clearTimeout(timer);
          this.alive = true;
          resolve();
          return;
        }
        this.handleAnswer(message);
      });
    });
  }

  private get startTimeoutMs(): number {
    return this.options.startTimeoutMs ?? 15_000;
  }

  async setup(className: string, args: TypedValue[], kwargs: Record<string, TypedValue>): Promise<void> {
    await this.request('setup', { className, args, kwargs });
  }

  async call(method: string, args: TypedValue[], kwargs: Record<string, TypedValue>): Promise<TypedValue> {
    const value = await this.request('call', { method, args, kwargs });
    if (value === undefined) {
      throw new ModelRunnerFailure('MODEL_FAILED', `model ${this.options.modelId} answered ${method} without a value`);
    }
    return value;
  }

  async rest(): Promise<void> {
    await this.request('rest', {});
  }

  isAlive(): boolean {
    return this.alive;
  }

  abandon(reason: string): void {
    if (!this.alive) return;
    this.abandonedFor = reason;
    this.channel?.kill('SIGKILL');
  }

  onLoss(listener: (loss: ModelHostLoss) => void): void {
    this.lossListener = listener;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.channel || !this.exited) return;
    this.channel.kill('SIGKILL');
    await this.exited;
  }

  private request(op: string, body: object): Promise<TypedValue | undefined> {
    const channel = this.channel;
    if (!channel || !this.alive) {
      return Promise.reject(new ModelRunnerFailure('MODEL_FAILED', `model ${this.options.modelId} process is not running`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { op, resolve, reject });
      try {
        channel.send({ id, op, ...body });
      } catch (error) {
        this.pending.delete(id);
        reject(new ModelRunnerFailure('MODEL_FAILED', `cannot reach model process: ${(error as Error).message}`));
      }
    });
  }

  private handleAnswer(message: unknown): void {
    const answer = (message ?? {}) as { id?: unknown; ok?: unknown; value?: unknown; error?: unknown };
    const request = typeof answer.id === 'number' ? this.pending.get(answer.id) : undefined;
    if (!request) return;
    this.pending.delete(answer.id as number);
    if (answer.ok !== true) {
      request.reject(ModelRunnerFailure.fromReported(answer.error, this.options.modelId));
    } else if (answer.value === undefined || answer.value === null) {
      request.resolve(undefined);
    } else if (isTypedValue(answer.value)) {
      request.resolve(answer.value);
    } else {
      request.reject(new ModelRunnerFailure('MODEL_FAILED', `model process sent a malformed value for ${request.op}`));
    }
  }

  private handleExit(description: string): void {
    const wasAlive = this.alive;
    this.alive = false;
    for (const [id, request] of this.pending) {
      this.pending.delete(id);
      const why = this.abandonedFor ? `was stopped (${this.abandonedFor})` : `exited (${description})`;
      request.reject(new ModelRunnerFailure('MODEL_FAILED', `model process ${why} during ${request.op}`));
    }
    if (wasAlive && !this.stopping) {
      const loss: ModelHostLoss = this.abandonedFor
        ? { kind: 'hung', reason: this.abandonedFor }
        : { kind: 'crashed', reason: `model process ${description}` };
      this.lossListener?.(loss);
    }
  }
}
