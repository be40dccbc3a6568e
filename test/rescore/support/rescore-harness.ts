import { Global, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { VirtualClock } from '../../../src/clock/clock';
import { ClockModule } from '../../../src/clock/clock.module';
import { JobScheduler } from '../../../src/clock/job-scheduler';
import { COMPETITION } from '../../../src/config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../../src/config/competition/competition.types';
import { AdminJobRepository } from '../../../src/admin/jobs/admin-job.repository';
import { LeaderboardService } from '../../../src/leaderboard/leaderboard.service';
import { GROUND_TRUTH, GroundTruthSource } from '../../../src/score/ground-truth.source';
import { AdminJobRunner } from '../../../src/score/rescore/admin-job-runner.service';
import { RESCORE_OPTIONS, RescoreEngine } from '../../../src/score/rescore/rescore.engine';
import { RescoreModule } from '../../../src/score/rescore/rescore.module';
import { RoundVoidService } from '../../../src/score/rescore/round-void.service';
import { SCORE_CYCLE_OPTIONS, ScoreCycleService } from '../../../src/score/score-cycle.service';
import { ScoreWindowRepository } from '../../../src/score/score-window.repository';

export interface RescoreApp {
  module: TestingModule;
  cycles: ScoreCycleService;
  leaderboard: LeaderboardService;
  voids: RoundVoidService;
  runner: AdminJobRunner;
  engine: RescoreEngine;
  jobs: AdminJobRepository;
  windows: ScoreWindowRepository;
  close(): Promise<void>;
}

/** Scoring, the leaderboard and the rescore module as the score role runs them, on a virtual clock, jobs driven by the test. */
export async function startRescoreApp(
  dataSource: DataSource,
  competition: CompetitionDefinition,
  clock: VirtualClock,
  truth: GroundTruthSource,
  options: { roundsPerBatch?: number } = {},
): Promise<RescoreApp> {
  @Global()
  @Module({
    providers: [
      { provide: DataSource, useValue: dataSource },
      { provide: COMPETITION, useValue: competition },
      { provide: GROUND_TRUTH, useValue: truth },
      { provide: SCORE_CYCLE_OPTIONS, useValue: {} },
      { provide: RESCORE_OPTIONS, useValue: { roundsPerBatch: options.roundsPerBatch } },
    ],
    exports: [DataSource, COMPETITION, GROUND_TRUTH, SCORE_CYCLE_OPTIONS, RESCORE_OPTIONS],
  })
  class TestAppModule {}

  const module = await Test.createTestingModule({ imports: [TestAppModule, ClockModule.forRoot(clock), RescoreModule] }).compile();
  await module.init();
  return {
    module,
    cycles: module.get(ScoreCycleService),
    leaderboard: module.get(LeaderboardService),
    voids: module.get(RoundVoidService),
    runner: module.get(AdminJobRunner),
    engine: module.get(RescoreEngine),
    jobs: module.get(AdminJobRepository),
    windows: module.get(ScoreWindowRepository),
    async close() {
      await module.get(JobScheduler).stop(1000);
      await module.close();
    },
  };
}
