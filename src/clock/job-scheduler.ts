import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from './clock';

export interface RecurringJob {
  /** Unique name, used in logs and as the advisory-lock key when several instances run. */
  name: string;
  /** Period in milliseconds. Runs are aligned to multiples of it (epoch-based), so they never drift. */
  everyMs: number;
  /** Offset within the period, e.g. run 5 s after each minute boundary. */
  offsetMs?: number;
  run: (scheduledAt: Date) => Promise<void>;
}

/**
 * Runs recurring jobs on the injected Clock, so the same job runs on wall time in production and
 * on a virtual clock in tests. The next run is computed from the schedule, not from when the
 * previous run ended, and a run that is still going makes the next one skip (no overlap).
 */
@Injectable()
export class JobScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger(JobScheduler.name);
  private readonly cancels = new Map<string, () => void>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  register(job: RecurringJob): void {
    if (this.cancels.has(job.name)) throw new Error(`job "${job.name}" is already registered`);
    if (!(job.everyMs > 0)) throw new Error(`job "${job.name}" needs a positive period`);
    this.armNext(job);
  }

  unregister(name: string): void {
    this.cancels.get(name)?.();
    this.cancels.delete(name);
  }

  jobNames(): string[] {
    return [...this.cancels.keys()];
  }

  /** Runs a job now (outside its schedule), unless a run of it is already going. */
  async runNow(job: RecurringJob, scheduledAt = this.clock.now()): Promise<void> {
    if (this.running.has(job.name)) {
      this.logger.warn(`job ${job.name} still running at ${scheduledAt.toISOString()}, skipping this run`);
      return;
    }
    const work = this.clock.track(async () => {
      try {
        await job.run(scheduledAt);
      } catch (err) {
        this.logger.error(`job ${job.name} failed: ${(err as Error)?.stack ?? String(err)}`);
      }
    });
    this.running.set(job.name, work);
    try {
      await work;
    } finally {
      this.running.delete(job.name);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Stops scheduling and waits (bounded) for running jobs to finish. */
  async stop(timeoutMs = 8000): Promise<void> {
    this.stopped = true;
    for (const cancel of this.cancels.values()) cancel();
    this.cancels.clear();
    const pending = [...this.running.values()];
    if (pending.length === 0) return;
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private armNext(job: RecurringJob): void {
    if (this.stopped) return;
    const offset = job.offsetMs ?? 0;
    const now = this.clock.nowMs();
    const next = Math.floor((now - offset) / job.everyMs) * job.everyMs + job.everyMs + offset;
    const cancel = this.clock.schedule(next, () => {
      this.armNext(job);
      void this.runNow(job, new Date(next));
    });
    this.cancels.set(job.name, cancel);
  }
}
