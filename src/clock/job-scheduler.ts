import { Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock, SystemClock } from './clock';

export interface RecurringJob {
  /** Unique name, used in logs and as the advisory-lock key when several instances run. */
  name: string;
  /** Period in milliseconds. Runs are aligned to multiples of it (epoch-based), so they never drift. */
  everyMs: number;
  /** Offset within the period, e.g. run 5 s after each minute boundary. */
  offsetMs?: number;
  run: (scheduledAt: Date) => Promise<void>;
}

/** What the scheduler saw of a job's runs, for /healthz and /metrics. */
export interface JobRunRecord {
  /** Slot (epoch ms) of the last run that finished, null before the first. */
  lastFinishedSlotMs: number | null;
  /** Slots skipped in a row because the previous run was still going; back to 0 when a run starts. */
  skippedInARow: number;
}

/** setTimeout caps at ~24.8 days; longer delays are re-armed. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The first slot of `job` strictly after `afterMs`: slots are `offsetMs + k * everyMs` since the epoch.
 *
 * @example
 *   nextSlotAfter({ everyMs: 60_000, offsetMs: 5_000 }, Date.UTC(2026, 0, 1, 0, 0, 5)); // 00:01:05
 */
export function nextSlotAfter(job: Pick<RecurringJob, 'everyMs' | 'offsetMs'>, afterMs: number): number {
  const offset = job.offsetMs ?? 0;
  return Math.floor((afterMs - offset) / job.everyMs) * job.everyMs + job.everyMs + offset;
}

/**
 * Runs recurring jobs on the injected Clock, so the same job runs on wall time in production and
 * on a virtual clock in tests. The next run is computed from the slot that just fired, not from
 * when the timer fired (a system timer may fire a few ms early) nor from when the previous run
 * ended, so each slot runs once and a run that is still going makes the next slot skip (a real
 * overrun). On the system clock every armed timer is also in @nestjs/schedule's SchedulerRegistry
 * under the job's name: `getTimeouts()` lists the jobs, `deleteTimeout(name)` stops one.
 */
@Injectable()
export class JobScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger(JobScheduler.name);
  private readonly cancels = new Map<string, () => void>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly records = new Map<string, JobRunRecord>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  register(job: RecurringJob): void {
    if (this.cancels.has(job.name)) throw new Error(`job "${job.name}" is already registered`);
    if (!(job.everyMs > 0)) throw new Error(`job "${job.name}" needs a positive period`);
    if (job.offsetMs !== undefined && !(job.offsetMs >= 0)) throw new Error(`job "${job.name}" needs a non-negative offset`);
    this.armNext(job, this.clock.nowMs());
  }

  unregister(name: string): void {
    this.cancels.get(name)?.();
    this.cancels.delete(name);
  }

  jobNames(): string[] {
    return [...this.cancels.keys()];
  }

  /** The job's last finished slot and its skips in a row; undefined before it was first due. */
  runRecord(name: string): Readonly<JobRunRecord> | undefined {
    return this.records.get(name);
  }

  /** Runs a job now (outside its schedule), unless a run of it is already going. */
  async runNow(job: RecurringJob, scheduledAt = this.clock.now()): Promise<void> {
    const record = this.recordOf(job.name);
    if (this.running.has(job.name)) {
      record.skippedInARow++;
      this.logger.warn(`job ${job.name} still running at ${scheduledAt.toISOString()}, skipping this run`);
      return;
    }
    record.skippedInARow = 0;
    const work = this.clock.track(async () => {
      try {
        await job.run(scheduledAt);
      } catch (err) {
        this.logger.error(`job ${job.name} failed: ${(err as Error)?.stack ?? String(err)}`);
      }
      record.lastFinishedSlotMs = scheduledAt.getTime();
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

  private recordOf(name: string): JobRunRecord {
    let record = this.records.get(name);
    if (!record) {
      record = { lastFinishedSlotMs: null, skippedInARow: 0 };
      this.records.set(name, record);
    }
    return record;
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

  /** Arms the first slot strictly after both `afterMs` (the slot just fired) and now (skips slots missed while stalled). */
  private armNext(job: RecurringJob, afterMs: number): void {
    if (this.stopped) return;
    const next = nextSlotAfter(job, Math.max(afterMs, this.clock.nowMs()));
    const fire = () => {
      this.armNext(job, next);
      void this.runNow(job, new Date(next));
    };
    this.cancels.set(job.name, this.registry && this.clock instanceof SystemClock ? this.registeredTimeout(job.name, next, fire) : this.clock.schedule(next, fire));
  }

  /** A system timer kept in SchedulerRegistry under `name` (replacing the fired one); returns its cancel. */
  private registeredTimeout(name: string, atMs: number, fn: () => void): () => void {
    const registry = this.registry!;
    let handle: NodeJS.Timeout;
    const arm = () => {
      const delay = atMs - Date.now();
      handle = setTimeout(delay > MAX_TIMEOUT_MS ? arm : fn, Math.min(Math.max(0, delay), MAX_TIMEOUT_MS));
      if (registry.doesExist('timeout', name)) registry.deleteTimeout(name);
      registry.addTimeout(name, handle);
    };
    arm();
    return () => {
      clearTimeout(handle);
      if (registry.doesExist('timeout', name) && registry.getTimeout(name) === handle) registry.deleteTimeout(name);
    };
  }
}
