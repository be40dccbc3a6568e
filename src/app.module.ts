import { DynamicModule, Global, Module, Provider, Type } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AccessModule } from './auth/access.module';
import { AppConfig } from './config/app-config';
import { CompetitionDefinition } from './config/competition/competition.types';
import { ConfigModule } from './config/config.module';
import { Clock, SystemClock } from './clock/clock';
import { ClockModule } from './clock/clock.module';
import { CompetitionModule } from './competition/competition.module';
import { DatabaseModule } from './database/database.module';
import { isEmbeddedSession } from './database/embedded-statements';
import { EmbeddedVacuumService } from './database/embedded-vacuum.service';
import { DataSourceModule } from './data-source/data-source.module';
import { DataSourceService } from './data-source/data-source.service';
import { HealthModule } from './health/health.module';
import { LeaderboardModule } from './leaderboard/leaderboard.module';
import { LeaderboardService } from './leaderboard/leaderboard.service';
import { LowPerformanceMonitor } from './low-performance/low-performance.monitor';
import { MetricsModule } from './metrics/metrics.module';
import { ModelOrchestrationModule, ModelOrchestrationPlan } from './model-orchestration/model-orchestration.module';
import { ModelRunnerService } from './model-runner/model-runner.service';
import { PIPELINE_START, PipelineLifecycle, PipelineStart } from './pipeline-lifecycle';
import { PredictModule } from './predict/predict.module';
import { CheckpointsModule } from './rewards/checkpoints/checkpoints.module';
import { ReportModule } from './report/report.module';
import { LEADERBOARD_EVENTS } from './report/report.tokens';
import { GROUND_TRUTH } from './score/ground-truth.source';
import { ScoreModule } from './score/score.module';
import { RescoreModule } from './score/rescore/rescore.module';
import { TournamentGroundTruth } from './tournament/tournament-ground-truth';
import { TournamentModule, TournamentStoreModule } from './tournament/tournament.module';

export interface AppModuleOptions {
  config: AppConfig;
  competition: CompetitionDefinition;
  fleet: ModelOrchestrationPlan;
  /** Defaults to the system clock; tests and replays pass a VirtualClock. */
  clock?: Clock;
  /** A team's own modules (custom scorers, feed adapters), from EXTENSION_MODULES. */
  extensions?: Type[];
  /** `manual`: main starts the pipeline after the HTTP port is bound; default on bootstrap. */
  pipelineStart?: PipelineStart;
}

/**
 * Market data for the stages that need it: ticks (predict) and ground truth (score). A
 * tournament's ground truth is the truth posted for each round, not the feed's.
 */
@Global()
@Module({})
class MarketDataModule {
  static forCompetition(competition: CompetitionDefinition): DynamicModule {
    const tournament = competition.tournament !== undefined;
    return {
      module: MarketDataModule,
      imports: [DataSourceModule, ...(tournament ? [TournamentStoreModule] : [])],
      providers: [{ provide: GROUND_TRUTH, useExisting: tournament ? TournamentGroundTruth : DataSourceService }],
      exports: [DataSourceModule, GROUND_TRUTH],
    };
  }
}

/**
 * The whole coordinator in one process. ROLES picks the pipeline stages this instance runs
 * (predict, score, report), so the same build also runs as separate instances on one database.
 */
@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    const roles = new Set(opts.config.roles);
    const scores = roles.has('score');
    const predicts = roles.has('predict');
    const imports: DynamicModule['imports'] = [
      ConfigModule.forRoot(opts.config, opts.competition),
      ClockModule.forRoot(opts.clock ?? new SystemClock()),
      DatabaseModule,
      HealthModule,
      MetricsModule,
      CompetitionModule,
      AccessModule.forRoot(opts.config),
    ];
    const providers: Provider[] = [PipelineLifecycle, { provide: PIPELINE_START, useValue: opts.pipelineStart ?? 'bootstrap' }];
    // An embedded database (this process's, or a replay's throwaway one) has no autovacuum of its own.
    if (opts.config.databaseUrl === undefined || isEmbeddedSession(opts.config.databaseUrl)) providers.push(EmbeddedVacuumService);

    if (predicts || scores) imports.push(MarketDataModule.forCompetition(opts.competition));
    if (predicts) {
      const fleet = ModelOrchestrationModule.forPlan(opts.fleet);
      imports.push(fleet, PredictModule.register({ imports: [fleet], modelCaller: ModelRunnerService, marketData: DataSourceService }));
      providers.push(LowPerformanceMonitor);
    }
    // Scoring and the leaderboard need market data (ground truth): the score role runs the cycles,
    // the predict role reads the leaderboard to disable poor models. A report-only instance reads
    // the stored leaderboards and needs neither (its cache re-checks the newest leaderboard id).
    if (predicts || scores) imports.push(ScoringModule);
    if (scores) imports.push(CheckpointsModule); // the reward-checkpoint job (when the competition has rewards)
    if (scores) imports.push(RescoreModule); // runs the admin jobs: rescores, history recomputes after a void
    if (roles.has('report')) imports.push(ReportModule, AdminModule);
    if (roles.has('report') && opts.competition.tournament) imports.push(TournamentModule); // rounds opened and resolved through the API
    imports.push(...(opts.extensions ?? []));

    return { module: AppModule, imports, providers };
  }
}

/** Scoring and ranking, with the leaderboard's update stream bound for the report cache. */
@Global()
@Module({
  imports: [ScoreModule, LeaderboardModule],
  providers: [{ provide: LEADERBOARD_EVENTS, inject: [LeaderboardService], useFactory: (s: LeaderboardService) => s.leaderboardUpdated$ }],
  exports: [LEADERBOARD_EVENTS, LeaderboardModule, ScoreModule],
})
class ScoringModule {}
