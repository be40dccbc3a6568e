import { Global, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ClockModule } from '../../../src/clock/clock.module';
import { VirtualClock } from '../../../src/clock/clock';
import { JobScheduler } from '../../../src/clock/job-scheduler';
import { COMPETITION } from '../../../src/config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../../src/config/competition/competition.types';
import { LeaderboardModule } from '../../../src/leaderboard/leaderboard.module';
import { LeaderboardService } from '../../../src/leaderboard/leaderboard.service';
import { PredictionRoundRepository } from '../../../src/predict/round/prediction-round.repository';
import { GROUND_TRUTH, GroundTruthSource } from '../../../src/score/ground-truth.source';
import { SCORE_CYCLE_OPTIONS, ScoreCycleOptions, ScoreCycleService } from '../../../src/score/score-cycle.service';
import { ScoreRetentionService } from '../../../src/score/score-retention.service';
import { ScoreModule } from '../../../src/score/score.module';
import { ScoreWindowRepository } from '../../../src/score/score-window.repository';
import { ScheduledJobs } from '../../../src/clock/scheduled-jobs.service';

export interface ScoringApp {
  module: TestingModule;
  cycles: ScoreCycleService;
  leaderboard: LeaderboardService;
  retention: ScoreRetentionService;
  /** The predictions' repository the cycles use (predict owns the table). */
  predictions: PredictionRoundRepository;
  windows: ScoreWindowRepository;
  close(): Promise<void>;
}

/** Boots ScoreModule + LeaderboardModule as the app would, on a test database and a virtual clock. */
export async function startScoring(
  dataSource: DataSource,
  competition: CompetitionDefinition,
  clock: VirtualClock,
  truth: GroundTruthSource,
  options: ScoreCycleOptions & { schedule?: boolean } = {},
): Promise<ScoringApp> {
  @Global()
  @Module({
    providers: [
      { provide: DataSource, useValue: dataSource },
      { provide: COMPETITION, useValue: competition },
      { provide: GROUND_TRUTH, useValue: truth },
      { provide: SCORE_CYCLE_OPTIONS, useValue: { batchPredictions: options.batchPredictions } },
    ],
    exports: [DataSource, COMPETITION, GROUND_TRUTH, SCORE_CYCLE_OPTIONS],
  })
  class TestAppModule {}

  const module = await Test.createTestingModule({ imports: [TestAppModule, ClockModule.forRoot(clock), ScoreModule, LeaderboardModule] }).compile();
  await module.init();
  // As the app's PipelineLifecycle does (the score-cycle and retention jobs), unless the test drives cycles itself.
  if (options.schedule !== false) await module.get(ScheduledJobs).start();
  return {
    module,
    cycles: module.get(ScoreCycleService),
    leaderboard: module.get(LeaderboardService),
    retention: module.get(ScoreRetentionService),
    predictions: module.get(PredictionRoundRepository),
    windows: module.get(ScoreWindowRepository),
    async close() {
      await module.get(JobScheduler).stop(1000);
      await module.close();
    },
  };
}

/** Empties every table scoring touches, between scenarios sharing one database. */
export async function clearScoringTables(ds: DataSource): Promise<void> {
  await ds.query(`TRUNCATE predictions, prediction_rounds, prediction_configs, models, score_buckets, score_coverage, score_snapshots, leaderboards, competitions CASCADE`);
}
