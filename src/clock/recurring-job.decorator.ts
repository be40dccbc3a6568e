import type { Role } from '../config/app-config';
import type { CompetitionDefinition } from '../config/competition/competition.types';

/** One schedule of a slotted job: runs every `everyMs`, `offsetMs` past each epoch-aligned multiple. */
export interface JobSlot<T = unknown> {
  /** Appended to the job's name: `predict:round` + `BTC-3600-60` -> `predict:round:BTC-3600-60`. */
  key: string;
  everyMs: number;
  offsetMs?: number;
  /** Handed back to the method with each run. */
  value: T;
}

interface CommonJobOptions {
  /** The job's name (or a slotted job's prefix); also its advisory-lock key in logs. */
  name: string | ((competition: CompetitionDefinition) => string);
  /** The job runs in an instance that has any of these roles. */
  roles: readonly Role[];
  /** Only when this holds for the competition (e.g. its optional rule is set). */
  when?: (competition: CompetitionDefinition) => boolean;
}

/** A job with one period from the competition file; the method receives `(scheduledAt)`. */
export interface PeriodicJobOptions extends CommonJobOptions {
  everyMs: (competition: CompetitionDefinition) => number;
  offsetMs?: (competition: CompetitionDefinition) => number;
}

/** A job with several schedules known at start (e.g. from the database); the method receives `(scheduledAt, slot)`. */
export interface SlottedJobOptions<S extends object = object, T = unknown> extends CommonJobOptions {
  slots: (instance: S) => Promise<Array<JobSlot<T>>>;
}

export type RecurringJobOptions = PeriodicJobOptions | SlottedJobOptions<any, any>;

/** A declaration found on a class: the decorated method and its options. */
export interface RecurringJobDeclaration {
  methodName: string;
  options: RecurringJobOptions;
}

const RECURRING_JOBS = Symbol('coordinator:recurring-jobs');

/**
 * Declares the method as a recurring job. `ScheduledJobs` finds every declaration at start,
 * keeps those the instance's ROLES and SCHEDULES_ENABLED allow (the one place that decides) and
 * arms them on the JobScheduler, epoch-aligned, on the system clock or a virtual one.
 *
 * @example
 *   @RecurringJob({ name: 'score-cycle', roles: ['score'], everyMs: (c) => c.scoring.intervalSeconds * 1000 })
 *   async runCycle(scheduledAt: Date) { ... }
 *
 *   @RecurringJob({ name: 'predict:round', roles: ['predict'], slots: (self: PredictSchedulerService) => self.roundJobSlots() })
 *   async runRound(scheduledAt: Date, slot: JobSlot<RoundSlot>) { ... }
 */
export function RecurringJob(options: RecurringJobOptions): MethodDecorator {
  return (target, methodName) => {
    if (typeof methodName !== 'string') throw new Error('@RecurringJob needs a method with a string name');
    const own: RecurringJobDeclaration[] = Reflect.getOwnMetadata(RECURRING_JOBS, target) ?? [...declaredJobsOfPrototype(target)];
    Reflect.defineMetadata(RECURRING_JOBS, [...own, { methodName, options }], target);
  };
}

/** The jobs declared with `@RecurringJob` on an instance's class (and its base classes). */
export function declaredJobs(instance: object): readonly RecurringJobDeclaration[] {
  return declaredJobsOfPrototype(Object.getPrototypeOf(instance));
}

function declaredJobsOfPrototype(prototype: object | null): readonly RecurringJobDeclaration[] {
  if (prototype === null) return [];
  return (Reflect.getMetadata(RECURRING_JOBS, prototype) as RecurringJobDeclaration[] | undefined) ?? [];
}

export function isSlotted(options: RecurringJobOptions): options is SlottedJobOptions<any, any> {
  return 'slots' in options;
}
