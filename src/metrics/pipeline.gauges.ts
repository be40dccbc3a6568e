import { Inject, Injectable, OnModuleInit, Optional, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Gauge, Registry } from 'prom-client';
import { Clock } from '../clock/clock';
import { JobScheduler } from '../clock/job-scheduler';
import { AppConfig, Role, ROLES } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { DataSourceService } from '../data-source/data-source.service';
import { LeaderboardRepository } from '../leaderboard/leaderboard.repository';
import { ModelRunnerService } from '../model-runner/model-runner.service';
import { TICK_JOB } from '../predict/schedule/predict-scheduler.service';
import { PredictionRoundRepository } from '../predict/round/prediction-round.repository';
import { ScoreCycleService } from '../score/score-cycle.service';

/**
 * The gauges computed when Prometheus scrapes, from state the pipeline already keeps: the model
 * runner's pool, the job scheduler's last runs, the feed's windows, the last scoring cycle, and
 * two indexed reads (unscored due predictions, the newest leaderboard). Each is registered only
 * where its stage runs (the model runner exists, the role is in ROLES), so a report-only
 * instance exports no model or scoring gauges. An age not known yet (no tick finished, no
 * leaderboard stored) is NaN, which Prometheus keeps as "no value" rather than a false 0.
 */
@Injectable()
export class PipelineGauges implements OnModuleInit {
  private readonly roles: ReadonlySet<Role>;
  /** Rounds the last scoring cycle here left waiting for their ground truth. */
  private waitingRounds = 0;

  constructor(
    private readonly registry: Registry,
    private readonly moduleRef: ModuleRef,
    private readonly clock: Clock,
    private readonly scheduler: JobScheduler,
    private readonly predictions: PredictionRoundRepository,
    private readonly leaderboards: LeaderboardRepository,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.roles = new Set(config?.roles ?? ROLES);
  }

  onModuleInit(): void {
    const fleet = this.provided(ModelRunnerService);
    if (fleet) this.registerModelGauges(fleet);
    if (this.roles.has('predict')) this.registerTickLag();
    const feed = this.provided(DataSourceService);
    if (feed) this.registerFeedAge(feed);
    const cycles = this.roles.has('score') ? this.provided(ScoreCycleService) : undefined;
    if (cycles) this.registerScoringGauges(cycles);
    if (this.roles.has('score') || this.roles.has('report')) this.registerLeaderboardAge();
  }

  private registerModelGauges(fleet: ModelRunnerService): void {
    this.gauge('coordinator_models', 'Models by state: running (Setup done, called) and pending (connecting or in Setup).', ['state'], (g) => {
      const { runningModels, pendingModels } = fleet.health();
      g.set({ state: 'running' }, runningModels);
      g.set({ state: 'pending' }, pendingModels);
    });
  }

  private registerTickLag(): void {
    this.gauge('coordinator_tick_lag_seconds', 'Seconds since the slot of the last tick that finished (about one tick interval when healthy).', [], (g) => {
      const last = this.scheduler.runRecord(TICK_JOB)?.lastFinishedSlotMs ?? null;
      g.set(last === null ? Number.NaN : (this.clock.nowMs() - last) / 1000);
    });
  }

  private registerFeedAge(feed: DataSourceService): void {
    this.gauge('coordinator_feed_newest_record_age_seconds', 'Seconds since the newest feed record held for each subject.', ['subject'], (g) => {
      g.reset();
      const nowMs = this.clock.nowMs();
      for (const [subject, { newestTs }] of Object.entries(feed.health().subjects)) {
        if (newestTs !== null) g.set({ subject }, (nowMs - Date.parse(newestTs)) / 1000);
      }
    });
  }

  private registerScoringGauges(cycles: ScoreCycleService): void {
    cycles.onCycleCompleted(async ({ waitingRounds }) => {
      this.waitingRounds = waitingRounds;
    });
    this.gauge('coordinator_predictions_due_unscored', 'Predictions past their resolvable_at that are not scored yet.', [], async (g) => {
      g.set((await this.predictions.unscoredDue(this.clock.now())).count);
    });
    this.gauge('coordinator_rounds_waiting_for_truth', 'Rounds the last scoring cycle left waiting for their ground truth.', [], (g) => g.set(this.waitingRounds));
  }

  private registerLeaderboardAge(): void {
    this.gauge('coordinator_leaderboard_age_seconds', 'Seconds since the newest stored leaderboard was created (NaN before the first).', [], async (g) => {
      const newest = await this.leaderboards.latestStamp(this.competition.id);
      g.set(newest === null ? Number.NaN : (this.clock.nowMs() - newest.createdAt.getTime()) / 1000);
    });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[], collect: (gauge: Gauge<L>) => void | Promise<void>): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        return collect(this);
      },
    });
  }

  /** A provider of a stage this instance may not run (the model runner, the feed, the scoring cycles). */
  private provided<T>(type: Type<T>): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return undefined;
    }
  }
}
