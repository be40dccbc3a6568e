import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AdminJob, AdminJobProgress } from '../../admin/jobs/admin-job';
import { AdminJobRepository } from '../../admin/jobs/admin-job.repository';
import { Clock } from '../../clock/clock';
import { RecurringJob } from '../../clock/recurring-job.decorator';
import { COMPETITION } from '../../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { AdvisoryLockName, advisoryLockKey, withAdvisoryLock } from '../advisory-lock';
import { RescoreEngine } from './rescore.engine';

/** How often the score role looks for queued admin jobs. */
const POLL_MS = 5_000;

/** What a pass of the runner did. */
export interface AdminJobPass {
  /** False when another instance (or this one) is already running jobs. */
  ran: boolean;
  jobs: Array<{ id: string; status: 'succeeded' | 'failed'; error?: string }>;
}

/**
 * Runs queued admin jobs (rescores, history recomputes) in the score role, one at a time, under
 * the `admin-jobs` advisory lock: whoever holds it is the only runner, so a job still marked
 * `running` when the lock is taken was left by a process that died, and is resumed first from
 * its stored progress. A job that fails is marked failed with its error (resume it with
 * `POST /admin/jobs/{id}/resume`).
 *
 * @example
 *   await runner.runPending(); // { ran: true, jobs: [{ id, status: 'succeeded' }] }
 */
@Injectable()
export class AdminJobRunner {
  private readonly logger = new Logger(AdminJobRunner.name);
  private runningHere = false;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly jobs: AdminJobRepository,
    private readonly engine: RescoreEngine,
  ) {}

  @RecurringJob({ name: 'admin-jobs', roles: ['score'], everyMs: () => POLL_MS })
  async runPending(onProgress?: (job: AdminJob, progress: AdminJobProgress) => void): Promise<AdminJobPass> {
    if (this.runningHere) return { ran: false, jobs: [] };
    this.runningHere = true;
    try {
      const run = await withAdvisoryLock(this.dataSource, advisoryLockKey(AdvisoryLockName.AdminJobs, this.competition.id), () => this.drain(onProgress));
      return run.acquired ? { ran: true, jobs: run.result } : { ran: false, jobs: [] };
    } finally {
      this.runningHere = false;
    }
  }

  /**
   * Runs one job now in this process (the CLI), under the runner lock so that no coordinator
   * takes it for a dead one. `ran: false` when another runner holds the lock (it runs queued jobs itself).
   */
  async runOne(job: AdminJob, onProgress?: (progress: AdminJobProgress) => void): Promise<{ ran: false } | { ran: true; status: 'succeeded' | 'failed'; error?: string }> {
    if (this.runningHere) return { ran: false };
    this.runningHere = true;
    try {
      const run = await withAdvisoryLock(this.dataSource, advisoryLockKey(AdvisoryLockName.AdminJobs, this.competition.id), () => this.runJob(job, onProgress));
      return run.acquired ? { ran: true, ...run.result } : { ran: false };
    } finally {
      this.runningHere = false;
    }
  }

  private async drain(onProgress?: (job: AdminJob, progress: AdminJobProgress) => void): Promise<AdminJobPass['jobs']> {
    const done: AdminJobPass['jobs'] = [];
    for (;;) {
      const job = await this.jobs.nextRunnable(this.competition.id);
      if (job === null) return done;
      if (job.status === 'running') this.logger.warn(`admin job ${job.id} (${job.kind}) was left running by a stopped process; resuming it`);
      done.push({ id: job.id, ...(await this.runJob(job, (p) => onProgress?.(job, p))) });
    }
  }

  /** Runs a job to its end and records how it ended (the caller holds the runner lock). */
  private async runJob(job: AdminJob, onProgress?: (progress: AdminJobProgress) => void): Promise<{ status: 'succeeded' | 'failed'; error?: string }> {
    await this.jobs.markStarted(job.id, this.clock.nowMs());
    try {
      const progress = await this.engine.run(job, onProgress);
      await this.jobs.finish(job.id, this.clock.nowMs(), progress);
      return { status: 'succeeded' };
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      this.logger.error(`admin job ${job.id} (${job.kind}) failed: ${(error as Error)?.stack ?? message}`);
      await this.jobs.fail(job.id, this.clock.nowMs(), message);
      return { status: 'failed', error: message };
    }
  }
}
