import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { Clock } from '../clock/clock';
import { COMPETITION } from '../config/competition/competition.tokens';
import { CompetitionDefinition } from '../config/competition/competition.types';
import { LeaderboardService } from '../leaderboard/leaderboard.service';
import { ModelRunnerService } from '../model-runner/model-runner.service';
import { ScoreCycleService } from '../score/score-cycle.service';
import { RecurringJob } from '../clock/recurring-job.decorator';
import { modelsToDisable, RunningDeployment } from './low-performance-policy';

const LOW_PERFORMANCE_JOB = 'low-performance';

/**
 * Disables persistently poor models: after each new leaderboard (checked every scoring interval,
 * so it also works when another instance scores), models the competition's `lowPerformance`
 * rule condemns are reported to the orchestrator with `LOW_PERFORMANCE`, which stops them.
 * Does nothing when the rule is not set.
 */
@Injectable()
export class LowPerformanceMonitor implements OnModuleInit, OnApplicationShutdown {
  static readonly JOB_NAME = LOW_PERFORMANCE_JOB;
  private readonly logger = new Logger(LowPerformanceMonitor.name);
  private readonly running = new Map<string, RunningDeployment>();
  private readonly reported = new Set<string>();
  private lastJudged = 0;
  private membership?: Subscription;

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly clock: Clock,
    private readonly leaderboards: LeaderboardService,
    private readonly cycles: ScoreCycleService,
    private readonly fleet: ModelRunnerService,
  ) {}

  /** Follows joins before the fleet connects (the app starts it at bootstrap). */
  onModuleInit(): void {
    this.membership = this.fleet.membership$.subscribe((event) => {
      const { modelId, deploymentId } = event.model;
      if (event.type === 'left') {
        if (this.running.get(modelId)?.deploymentId === deploymentId) this.running.delete(modelId);
      } else if (this.running.get(modelId)?.deploymentId !== deploymentId) {
        this.running.set(modelId, { deploymentId, joinedAtMs: this.clock.nowMs() });
      }
    });
  }

  /**
   * Judges the latest leaderboard once (no-op if already judged); returns the models reported.
   * Runs every scoring interval, a little after the cycle, with the predict role (it holds the fleet).
   */
  @RecurringJob({
    name: LOW_PERFORMANCE_JOB,
    roles: ['predict'],
    when: (c) => Boolean(c.leaderboard.lowPerformance),
    everyMs: (c) => c.scoring.intervalSeconds * 1000,
    offsetMs: (c) => Math.min(5_000, (c.scoring.intervalSeconds * 1000) / 2),
  })
  async judge(): Promise<string[]> {
    const rule = this.competition.leaderboard.lowPerformance;
    if (!rule) return [];
    const board = await this.leaderboards.latest();
    if (!board || board.createdAt.getTime() <= this.lastJudged) return [];
    this.lastJudged = board.createdAt.getTime();
    const window = this.competition.scoring.windows.find((w) => w.name === rule.window)!;
    const verdicts = modelsToDisable(board.entries, rule, this.cycles.direction(), this.running, this.clock.nowMs(), window.seconds, this.reported);
    for (const verdict of verdicts) {
      this.reported.add(verdict.deploymentId);
      this.logger.warn(`model ${verdict.modelId} (${verdict.deploymentId}) disabled for low performance: ${verdict.reason}`);
      this.fleet.reportLowPerformance(verdict.modelId, verdict.reason);
    }
    return verdicts.map((v) => v.modelId);
  }

  onApplicationShutdown(): void {
    this.membership?.unsubscribe();
  }
}
