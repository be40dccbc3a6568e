import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { JobScheduler } from './job-scheduler';

/**
 * Provides the app-wide Clock and the JobScheduler. Tests pass a VirtualClock:
 * `ClockModule.forRoot(new VirtualClock(start))`.
 */
@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ClockModule,
      providers: [{ provide: Clock, useValue: clock }, JobScheduler],
      exports: [Clock, JobScheduler],
    };
  }
}
