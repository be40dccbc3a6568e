import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplicationContext, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { VirtualClock } from '../clock/clock';
import { JobScheduler } from '../clock/job-scheduler';
import { declaredJobs } from '../clock/recurring-job.decorator';
import { loadAppConfig } from '../config/app-config';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import type { Env } from '../config/env';
import { readModelsConfig } from '../local-orchestrator/config/models-config-file';
import { HostedModelNotRunning, hostedModelsEnv, hostedModelsPlan, hostedModelsStarted } from '../model-orchestration/hosted-models';
import { ModelRunnerService } from '../model-runner/model-runner.service';
import { PipelineLifecycle } from '../pipeline-lifecycle';
import { EmbeddedPostgres } from '../database/embedded-postgres';
import { AdminJobRunner } from '../score/rescore/admin-job-runner.service';
import { ScoreCycleService } from '../score/score-cycle.service';
import { replayFeedModule } from './prices/replay-feed.module';
import { ReplayPrices } from './prices/replay-prices';
import { ReplayRange, replayedCompetition } from './replayed-competition';
import { ReplayResultsRepository } from './replay-results.repository';
import { StageTimesMs, StageTimings, StatementTime } from './stage-timings';

/** What one replay runs: a competition over a range, on given prices, with the models of a models file. */
export interface ReplaySettings {
  competition: CompetitionDefinition;
  range: ReplayRange;
  prices: ReplayPrices;
  /** The models file the local orchestrator hosts (deployment/models.yaml shape). */
  modelsFile: string;
  /** A PostgreSQL server to write into; unset: a fresh embedded database in a temporary directory. */
  databaseUrl?: string;
  /** Where the Nest logs go (warnings and errors; the CLI keeps stdout for its table). */
  logger: LoggerService;
  /** Passed through to the local orchestrator (LOCAL_ORCHESTRATOR_PYTHON, _PIP_ARGS, _PYTHON_ENVS_DIR). */
  env?: Env;
  /** How long the models may take to start (wall clock). Default 180 s (a Python model may build its environment). */
  modelStartTimeoutMs?: number;
  /** The team's modules (EXTENSION_MODULES): scorers, reward functions or feeds of their own, as the live app loads them. */
  extensions?: Type[];
  /** Keep the wall time of each SQL text, for `ReplayRunSummary.statements` (benchmarks). */
  statementTimes?: boolean;
}

/** Where the replay is, after each step of the virtual clock. */
export interface ReplayProgress {
  simulatedMs: number;
  totalMs: number;
  rounds: number;
  wallMs: number;
}

export interface ReplayRunSummary {
  /** The virtual time the replay reached (`range.toMs` unless stopped). */
  reachedMs: number;
  interrupted: boolean;
  wallMs: number;
  stages: StageTimesMs;
  /** The SQL texts that took the most wall time (with `statementTimes` only). */
  statements: StatementTime[];
  /** Configured models that did not run, with their reason. */
  notRunning: Array<{ modelId: string | null; reason: string }>;
}

/** How many SQL texts a summary lists when statement times are kept. */
const STATEMENTS_REPORTED = 15;

/** Thrown when the database given already holds rounds of the competition: two runs would mix. */
export class ReplayDatabaseNotEmptyError extends Error {
  constructor(competitionId: string, rounds: number) {
    super(`--database already holds ${rounds} prediction round(s) of competition "${competitionId}": replay into a fresh database`);
    this.name = 'ReplayDatabaseNotEmptyError';
  }
}

/**
 * The whole pipeline (tick -> predict -> score -> leaderboard -> rewards) of one competition on a
 * virtual clock, with the real local orchestrator hosting the models exactly as live. The clock
 * starts 1 ms before the range, so the first tick and the first rounds fall on its start, and
 * moves as fast as the jobs it fires finish (model answers, scoring, database writes): it never
 * waits on the wall clock.
 *
 * @example
 *   const session = await ReplaySession.open(settings);
 *   try { await session.run(() => false, (p) => console.log(p.rounds)); } finally { await session.close(); }
 */
export class ReplaySession {
  readonly results: ReplayResultsRepository;
  private readonly timings = new StageTimings();
  private closed = false;

  private constructor(
    private readonly settings: ReplaySettings,
    private readonly app: INestApplicationContext,
    private readonly clock: VirtualClock,
    private readonly competition: CompetitionDefinition,
    private readonly tempDir: string | null,
    private readonly embedded: EmbeddedPostgres | undefined,
    readonly notRunning: Array<{ modelId: string | null; reason: string }>,
  ) {
    this.results = new ReplayResultsRepository(app.get(DataSource), competition);
  }

  static async open(settings: ReplaySettings): Promise<ReplaySession> {
    const { range } = settings;
    const competition = replayedCompetition(settings.competition, range);
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), `replay-${competition.id}-`));
    // A throwaway database lives in memory: nothing of it outlives the replay but its outputs.
    const embedded = settings.databaseUrl ? undefined : await EmbeddedPostgres.start({}).catch((err: unknown) => {
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    });
    const env: Env = {
      ...hostedModelsEnv(settings.env ?? {}),
      DATA_DIR: tempDir,
      DATABASE_URL: settings.databaseUrl ?? embedded!.url,
      ROLES: 'predict,score',
      LOG_LEVEL: 'warn',
    };
    const config = loadAppConfig(env);
    const clock = new VirtualClock(range.fromMs - 1);
    let app: INestApplicationContext | undefined;
    try {
      app = await NestFactory.createApplicationContext(
        AppModule.forRoot({
          config,
          competition,
          fleet: hostedModelsPlan(env, competition, settings.modelsFile),
          clock,
          extensions: [...(settings.extensions ?? []), replayFeedModule(settings.prices, competition.tick.valueField)],
          pipelineStart: 'manual',
        }),
        { logger: settings.logger, abortOnError: false },
      );
      const dataSource = app.get(DataSource);
      const rounds = await new ReplayResultsRepository(dataSource, competition).roundCount();
      if (rounds > 0) throw new ReplayDatabaseNotEmptyError(competition.id, rounds);
      const session = new ReplaySession(settings, app, clock, competition, tempDir, embedded, []);
      session.timings.instrument({ models: app.get(ModelRunnerService), scoring: app.get(ScoreCycleService), dataSource, statements: settings.statementTimes });
      await app.get(PipelineLifecycle).start();
      disarmAdminJobs(app);
      session.notRunning.push(...(await session.modelsStarted()));
      return session;
    } catch (err) {
      await app?.close().catch(() => undefined);
      await embedded?.stop().catch(() => undefined);
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Advances the clock over the range in steps (progress after each), until the range ends or
   * `stopRequested()` says so between two steps (what was written stays).
   */
  async run(stopRequested: () => boolean, onProgress: (p: ReplayProgress) => void = () => {}): Promise<ReplayRunSummary> {
    const { fromMs, toMs } = this.settings.range;
    const started = performance.now();
    this.timings.reset();
    const stepMs = Math.max(this.competition.tick.interval, this.competition.scoring.intervalSeconds, 300) * 1000;
    let interrupted = false;
    for (let target = Math.min(toMs, fromMs + stepMs); ; target = Math.min(toMs, target + stepMs)) {
      if (stopRequested()) {
        interrupted = true;
        break;
      }
      await this.clock.advanceTo(target);
      onProgress({ simulatedMs: this.clock.nowMs() - fromMs, totalMs: toMs - fromMs, rounds: await this.results.roundCount(), wallMs: performance.now() - started });
      if (target >= toMs) break;
    }
    return {
      reachedMs: this.clock.nowMs(),
      interrupted,
      wallMs: performance.now() - started,
      stages: this.timings.snapshot(),
      statements: this.timings.topStatements(STATEMENTS_REPORTED),
      notRunning: this.notRunning,
    };
  }

  /** The scorer's better direction, as the replayed app's registry knows it (an extension's scorer too). */
  scoreDirection(): 'higher' | 'lower' {
    return this.app.get(ScoreCycleService).direction();
  }

  /**
   * The largest tables (partitions apart, indexes and TOAST included) and their dead rows, as the
   * database's statistics count them: what a replay's storage goes to (benchmarks).
   */
  async largestTables(limit: number): Promise<Array<{ table: string; bytes: number; liveRows: number; deadRows: number }>> {
    const dataSource = this.app.get(DataSource);
    await dataSource.query('SELECT pg_stat_force_next_flush()'); // the counts of the last second too
    const rows: Array<{ table: string; bytes: string; live_rows: number; dead_rows: number }> = await dataSource.query(
      `SELECT relname AS table, pg_total_relation_size(relid) AS bytes, n_live_tup::int AS live_rows, n_dead_tup::int AS dead_rows
         FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC, relname LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ table: r.table, bytes: Number(r.bytes), liveRows: r.live_rows, deadRows: r.dead_rows }));
  }

  /** The recurring jobs armed on the replay's clock (the live pipeline's, but the admin-job poll). */
  armedJobs(): string[] {
    return this.app.get(JobScheduler).jobNames();
  }

  /** Stops the jobs and the models, closes the database and removes the temporary data directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.app.close();
      await this.embedded?.stop();
    } finally {
      if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
    }
  }

  /** Waits (wall clock) until every model the file wants RUNNING runs or is known not to; returns those that do not. */
  private modelsStarted(): Promise<HostedModelNotRunning[]> {
    const wanted = readModelsConfig(this.settings.modelsFile).entries.filter((e) => e.desiredState === 'RUNNING').map((e) => e.id);
    return hostedModelsStarted(this.app, wanted, this.settings.modelStartTimeoutMs ?? 180_000);
  }
}

/**
 * Stops the admin-job runner's poll (every 5 s of simulated time, a lock and a query each: a
 * third of a replay's database time): admin jobs (rescores, history recomputes) are queued over
 * the admin HTTP API, which a replay does not serve, so the poll would never find one.
 */
function disarmAdminJobs(app: INestApplicationContext): void {
  const scheduler = app.get(JobScheduler);
  for (const { options } of declaredJobs(app.get(AdminJobRunner))) {
    if (typeof options.name === 'string') scheduler.unregister(options.name);
  }
}


