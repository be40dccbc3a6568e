import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { JobScheduler } from '../clock/job-scheduler';
import { AppConfig, Role, ROLES } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { COMPETITION } from '../config/competition/competition.tokens';
import type { CompetitionDefinition } from '../config/competition/competition.types';
import { LeaderboardRepository } from '../leaderboard/leaderboard.repository';
import { PredictionRoundRepository } from '../predict/round/prediction-round.repository';
import { ROUND_JOB, TICK_JOB } from '../predict/schedule/predict-scheduler.service';
import { HealthRegistry } from './health.registry';
import { leaderboardAgeCheck } from './leaderboard-age.check';
import { scoringLagCheck, scoringLagCutoff } from './scoring-lag.check';
import { skippedJobsCheck } from './skipped-jobs.check';

/**
 * The pipeline's own /healthz checks, each registered where its stage runs: `scoring` (score
 * role: predictions overdue and unscored), `schedules` (predict role: the tick or a round job
 * skipped its last runs), `leaderboard` (score or report role: the newest leaderboard too old).
 * Each one is `degraded` with a `reason` when its rule trips (200, see HealthController).
 */
@Injectable()
export class PipelineHealthChecks implements OnModuleInit {
  private readonly roles: ReadonlySet<Role>;

  constructor(
    private readonly registry: HealthRegistry,
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
    const startedAtMs = this.clock.nowMs();
    const { scoring } = this.competition;
    if (this.roles.has('score')) {
      this.registry.register('scoring', async () => {
        const cutoff = scoringLagCutoff(scoring, this.clock.nowMs());
        return scoringLagCheck(await this.predictions.unscoredDue(cutoff), cutoff);
      });
    }
    if (this.roles.has('predict')) {
      this.registry.register('schedules', () =>
        skippedJobsCheck(this.scheduler.jobNames().filter(isPredictJob).map((name) => [name, this.scheduler.runRecord(name)] as const)),
      );
    }
    if (this.roles.has('score') || this.roles.has('report')) {
      this.registry.register('leaderboard', async () => {
        const newest = await this.leaderboards.latestStamp(this.competition.id);
        return leaderboardAgeCheck(newest?.createdAt ?? null, startedAtMs, this.clock.nowMs(), scoring.intervalSeconds);
      });
    }
  }
}

/** The tick and the round jobs (`predict:round:<config>`). */
function isPredictJob(name: string): boolean {
  return name === TICK_JOB || name.startsWith(`${ROUND_JOB}:`);
}
