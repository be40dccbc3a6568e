import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { JobScheduler } from '../../clock/job-scheduler';
import { APP_CONFIG } from '../../config/config.tokens';
import { AppConfig } from '../../config/app-config';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { configParamKey } from '../../competition/prediction-config';
import { CompetitionSyncService } from '../../competition/competition-sync.service';
import { PredictionConfigRepository } from '../../competition/prediction-config.repository';
import { PredictionRoundRepository } from '../round/prediction-round.repository';
import { PredictionRoundService } from '../round/prediction-round.service';
import { TickLoopService } from '../tick/tick-loop.service';
import { missedRounds, RoundSlot, roundSlots } from './round-schedule';

export const TICK_JOB = 'predict:tick';

/**
 * Registers the predict role's recurring jobs at application bootstrap: the tick (every
 * `tick.interval`) and one job per active prediction config on its round-robin slot. Runs only
 * when the process has the `predict` role and schedules are enabled (tests drive `start()`).
 * Rounds missed while the process was down are logged, not replayed: a forecast made late
 * would be scored against prices the model could already have seen.
 *
 * @example
 *   await predictScheduler.start(); // registers predict:tick and predict:round:BTC-3600-60 ...
 */
@Injectable()
export class PredictSchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PredictSchedulerService.name);
  private started = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly sync: CompetitionSyncService,
    private readonly configs: PredictionConfigRepository,
    private readonly rounds: PredictionRoundRepository,
    private readonly roundService: PredictionRoundService,
    private readonly tickLoop: TickLoopService,
    private readonly scheduler: JobScheduler,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.roles.includes('predict')) return;
    if (!this.config.schedulesEnabled) {
      this.logger.log('schedules disabled (SCHEDULES_ENABLED=false): no tick or predict rounds');
      return;
    }
    await this.start();
  }

  /** Registers the tick and round jobs; returns the round slots. Idempotent. */
  async start(): Promise<RoundSlot[]> {
    await this.sync.synced();
    const slots = roundSlots(await this.configs.active(this.competition.id));
    if (this.started) return slots;
    this.started = true;
    await this.logMissedRounds(slots);

    this.scheduler.register({
      name: TICK_JOB,
      everyMs: this.competition.tick.interval * 1000,
      run: async () => {
        await this.tickLoop.tick();
      },
    });
    for (const slot of slots) {
      this.scheduler.register({
        name: roundJobName(slot),
        everyMs: slot.everyMs,
        offsetMs: slot.offsetMs,
        run: async (scheduledAt) => {
          await this.roundService.run(slot.config, scheduledAt);
        },
      });
    }
    this.logger.log(
      `tick every ${this.competition.tick.interval} s; ${slots.length} prediction config(s) scheduled: ` +
        slots.map((s) => `${configParamKey(s.config)} every ${s.everyMs / 1000} s at +${s.offsetMs / 1000} s`).join(', '),
    );
    return slots;
  }

  private async logMissedRounds(slots: readonly RoundSlot[]): Promise<void> {
    const latest = await this.rounds.latestScheduledAt(slots.map((s) => s.config.id));
    const now = this.clock.nowMs();
    for (const slot of slots) {
      const last = latest.get(slot.config.id);
      if (!last) continue;
      const missed = missedRounds(slot, last.getTime(), now);
      if (missed > 0) {
        this.logger.warn(`${configParamKey(slot.config)}: ${missed} round(s) since ${last.toISOString()} were missed while stopped (not replayed)`);
      }
    }
  }
}

export function roundJobName(slot: Pick<RoundSlot, 'config'>): string {
  return `predict:round:${configParamKey(slot.config)}`;
}
