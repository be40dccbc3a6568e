import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { JobScheduler, RecurringJob } from './job-scheduler';
import { AppConfig, Role, ROLES } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { declaredJobs, isSlotted, RecurringJobDeclaration } from './recurring-job.decorator';

/**
 * Implemented by a provider whose jobs need it ready first (the feed loads its window before
 * the first tick). Called once, before any job is armed, only when one of its jobs will run.
 */
export interface BeforeJobsArmed {
  beforeJobsArmed(): Promise<void>;
}

/** A declared job and the provider instance whose method runs it. */
export interface DiscoveredJob {
  instance: object;
  declaration: RecurringJobDeclaration;
}

/**
 * Finds every `@RecurringJob` in the application and arms those this instance runs: the one
 * place where ROLES and SCHEDULES_ENABLED decide. The app calls `start()` once the pipeline's
 * modules are ready; a test module without APP_CONFIG runs every declared job.
 *
 * @example
 *   const names = await scheduledJobs.start(); // ['feed-poll:offline', 'predict:tick', 'predict:round:BTC-120-30', ...]
 */
@Injectable()
export class ScheduledJobs {
  private readonly logger = new Logger('Schedules');
  private started?: Promise<string[]>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scheduler: JobScheduler,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
    @Optional() @Inject(COMPETITION) private readonly competition?: CompetitionDefinition,
  ) {}

  /** Every job declared on a provider of the application, whether or not it runs here. */
  discover(): DiscoveredJob[] {
    const seen = new Set<object>();
    const found: DiscoveredJob[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance) || !wrapper.isDependencyTreeStatic()) continue;
      seen.add(instance);
      for (const declaration of declaredJobs(instance)) found.push({ instance, declaration });
    }
    return found;
  }

  /** Whether a declared job runs in this instance: schedules on, one of its roles here, its condition met. */
  runsHere(declaration: RecurringJobDeclaration): boolean {
    if (!(this.config?.schedulesEnabled ?? true)) return false;
    const roles: readonly Role[] = this.config?.roles ?? ROLES;
    const { options } = declaration;
    return options.roles.some((role) => roles.includes(role)) && (options.when?.(this.requireCompetition()) ?? true);
  }

  /** Prepares and arms the jobs that run here (once); returns their names. */
  start(): Promise<string[]> {
    this.started ??= this.armAll();
    return this.started;
  }

  private async armAll(): Promise<string[]> {
    if (this.config && !this.config.schedulesEnabled) {
      this.logger.log('schedules disabled (SCHEDULES_ENABLED=false): no job is armed');
      return [];
    }
    const jobs = this.discover().filter((job) => this.runsHere(job.declaration));
    for (const instance of new Set(jobs.map((job) => job.instance))) {
      if (hasBeforeJobsArmed(instance)) await instance.beforeJobsArmed();
    }
    const names: string[] = [];
    for (const job of jobs) names.push(...(await armDeclaredJob(this.scheduler, job, this.requireCompetition())));
    this.logger.log(`armed ${names.length} job(s): ${names.join(', ')}`);
    return names;
  }

  private requireCompetition(): CompetitionDefinition {
    if (!this.competition) throw new Error('ScheduledJobs needs the COMPETITION provider to read job periods');
    return this.competition;
  }
}

/**
 * Arms one declared job on the scheduler (each slot of a slotted job as its own job); returns
 * the names registered. Ignores roles and SCHEDULES_ENABLED: callers decide (ScheduledJobs, tests).
 */
export async function armDeclaredJob(scheduler: JobScheduler, job: DiscoveredJob, competition: CompetitionDefinition): Promise<string[]> {
  const { instance, declaration } = job;
  const { options, methodName } = declaration;
  const method = (instance as Record<string, unknown>)[methodName];
  if (typeof method !== 'function') throw new Error(`@RecurringJob ${methodName} is not a method of ${instance.constructor.name}`);
  const name = typeof options.name === 'function' ? options.name(competition) : options.name;
  const jobs: RecurringJob[] = [];
  if (isSlotted(options)) {
    for (const slot of await options.slots(instance)) {
      jobs.push({ name: `${name}:${slot.key}`, everyMs: slot.everyMs, offsetMs: slot.offsetMs, run: (at) => method.call(instance, at, slot) });
    }
  } else {
    jobs.push({ name, everyMs: options.everyMs(competition), offsetMs: options.offsetMs?.(competition), run: (at) => method.call(instance, at) });
  }
  for (const recurring of jobs) scheduler.register(recurring);
  return jobs.map((j) => j.name);
}

/** Arms every job declared on `instance` whose condition holds (tests that build a service by hand). */
export async function armDeclaredJobs(scheduler: JobScheduler, instance: object, competition: CompetitionDefinition): Promise<string[]> {
  const names: string[] = [];
  for (const declaration of declaredJobs(instance)) {
    if (declaration.options.when && !declaration.options.when(competition)) continue;
    names.push(...(await armDeclaredJob(scheduler, { instance, declaration }, competition)));
  }
  return names;
}

function hasBeforeJobsArmed(instance: object): instance is BeforeJobsArmed {
  return typeof (instance as Partial<BeforeJobsArmed>).beforeJobsArmed === 'function';
}
