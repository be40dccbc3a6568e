import { Global, Injectable, Module } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Test, TestingModule } from '@nestjs/testing';
import { Clock, SystemClock, VirtualClock } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { JobScheduler } from '../../src/clock/job-scheduler';
import { loadAppConfig } from '../../src/config/app-config';
import { APP_CONFIG } from '../../src/config/config.tokens';
import { COMPETITION } from '../../src/config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { JobSlot, RecurringJob } from '../../src/clock/recurring-job.decorator';
import { BeforeJobsArmed, ScheduledJobs } from '../../src/clock/scheduled-jobs.service';

const START = Date.UTC(2026, 0, 1);
const competition = { id: 'test', scoring: { intervalSeconds: 60 }, leaderboard: { lowPerformance: null } } as unknown as CompetitionDefinition;
const runs: string[] = [];
const events: string[] = [];

@Injectable()
class ScoringJobs {
  @RecurringJob({ name: 'test:cycle', roles: ['score'], everyMs: (c) => c.scoring.intervalSeconds * 1000 })
  async cycle(scheduledAt: Date): Promise<void> {
    runs.push(`cycle@${(scheduledAt.getTime() - START) / 1000}`);
  }

  @RecurringJob({ name: 'test:optional', roles: ['score'], when: (c) => c.leaderboard.lowPerformance !== null, everyMs: () => 1_000 })
  async optional(): Promise<void> {
    runs.push('optional');
  }
}

@Injectable()
class PredictJobs implements BeforeJobsArmed {
  async beforeJobsArmed(): Promise<void> {
    events.push('predict ready');
  }

  @RecurringJob({ name: 'test:round', roles: ['predict'], slots: (self: PredictJobs) => self.slots() })
  async round(scheduledAt: Date, slot: JobSlot<string>): Promise<void> {
    runs.push(`${slot.value}@${(scheduledAt.getTime() - START) / 1000}`);
  }

  async slots(): Promise<Array<JobSlot<string>>> {
    events.push('slots read');
    return [
      { key: 'BTC', everyMs: 40_000, value: 'BTC' },
      { key: 'ETH', everyMs: 40_000, offsetMs: 20_000, value: 'ETH' },
    ];
  }
}

@Injectable()
class ReportOrPredictJobs {
  @RecurringJob({ name: (c) => `test:shared:${c.id}`, roles: ['predict', 'report'], everyMs: () => 30_000, offsetMs: () => 5_000 })
  async shared(): Promise<void> {
    runs.push('shared');
  }
}

async function boot(env: Record<string, string>, clock: Clock): Promise<TestingModule> {
  @Global()
  @Module({
    providers: [
      { provide: APP_CONFIG, useValue: loadAppConfig(env) },
      { provide: COMPETITION, useValue: competition },
    ],
    exports: [APP_CONFIG, COMPETITION],
  })
  class Environment {}
  const moduleRef = await Test.createTestingModule({
    imports: [Environment, ClockModule.forRoot(clock)],
    providers: [ScoringJobs, PredictJobs, ReportOrPredictJobs],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('ScheduledJobs', () => {
  let moduleRef: TestingModule | undefined;

  beforeEach(() => {
    runs.length = 0;
    events.length = 0;
  });

  afterEach(async () => {
    await moduleRef?.get(JobScheduler).stop(100);
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('discovers every @RecurringJob declared on the application providers', async () => {
    moduleRef = await boot({}, new VirtualClock(START));
    const found = moduleRef.get(ScheduledJobs).discover().map((job) => `${job.instance.constructor.name}.${job.declaration.methodName}`);
    expect(found.sort()).toEqual(['PredictJobs.round', 'ReportOrPredictJobs.shared', 'ScoringJobs.cycle', 'ScoringJobs.optional']);
    expect(moduleRef.get(JobScheduler).jobNames()).toEqual([]); // nothing is armed before start()
  });

  it.each([
    ['predict,score,report', ['test:cycle', 'test:round:BTC', 'test:round:ETH', 'test:shared:test']],
    ['score', ['test:cycle']],
    ['predict', ['test:round:BTC', 'test:round:ETH', 'test:shared:test']],
    ['report', ['test:shared:test']],
  ])('with ROLES=%s arms only the jobs of those roles whose condition holds', async (roles, expected) => {
    moduleRef = await boot({ ROLES: roles }, new VirtualClock(START));
    expect((await moduleRef.get(ScheduledJobs).start()).sort()).toEqual(expected);
    expect(moduleRef.get(JobScheduler).jobNames().sort()).toEqual(expected);
  });

  it('arms nothing and prepares nothing with SCHEDULES_ENABLED=false', async () => {
    moduleRef = await boot({ SCHEDULES_ENABLED: 'false' }, new VirtualClock(START));
    expect(await moduleRef.get(ScheduledJobs).start()).toEqual([]);
    expect(moduleRef.get(JobScheduler).jobNames()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('prepares a provider before reading its slots, and only when one of its jobs runs here', async () => {
    moduleRef = await boot({ ROLES: 'score' }, new VirtualClock(START));
    await moduleRef.get(ScheduledJobs).start();
    expect(events).toEqual([]);
    await moduleRef.close();
    moduleRef = await boot({ ROLES: 'predict' }, new VirtualClock(START));
    await moduleRef.get(ScheduledJobs).start();
    await moduleRef.get(ScheduledJobs).start(); // once
    expect(events).toEqual(['predict ready', 'slots read']);
  });

  it('runs the declared methods on the virtual clock, each slot with its own offset and value', async () => {
    const clock = new VirtualClock(START);
    moduleRef = await boot({ ROLES: 'predict,score' }, clock);
    await moduleRef.get(ScheduledJobs).start();
    await clock.advance(80_000);
    expect(runs).toEqual(['shared', 'ETH@20', 'shared', 'BTC@40', 'cycle@60', 'ETH@60', 'shared', 'BTC@80']); // shared at +5, +35, +65 s
  });

  it('on the system clock lists the armed jobs in SchedulerRegistry, where deleting one stops it', async () => {
    moduleRef = await boot({ ROLES: 'score' }, new SystemClock());
    await moduleRef.get(ScheduledJobs).start();
    const registry = moduleRef.get(SchedulerRegistry);
    expect(registry.getTimeouts()).toEqual(['test:cycle']);
    registry.deleteTimeout('test:cycle');
    expect(registry.getTimeouts()).toEqual([]);
  });
});
