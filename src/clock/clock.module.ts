import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ScheduledJobs } from './scheduled-jobs.service';
import { Clock, SystemClock } from './clock';
import { JobScheduler } from './job-scheduler';

/**
 * Provides the app-wide Clock, the JobScheduler and the discovery of `@RecurringJob`s
 * (ScheduledJobs); on the system clock armed jobs are listed in @nestjs/schedule's
 * SchedulerRegistry. Tests pass a VirtualClock: `ClockModule.forRoot(new VirtualClock(start))`.
 */
@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ClockModule,
      imports: [DiscoveryModule, ScheduleModule.forRoot()],
      providers: [{ provide: Clock, useValue: clock }, JobScheduler, ScheduledJobs],
      exports: [Clock, JobScheduler, ScheduledJobs],
    };
  }
}
