import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../clock/clock';
import { COMPETITION } from '../../config/competition/competition.tokens';
import { CompetitionDefinition } from '../../config/competition/competition.types';
import { configParamKey } from '../../competition/prediction-config';
import { CompetitionSyncService } from '../../competition/competition-sync.service';
import { PredictionConfigRepository } from '../../competition/prediction-config.repository';
import { PredictionRoundRepository } from '../round/prediction-round.repository';
import { PredictionRoundService } from '../round/prediction-round.service';
import { TickLoopService } from '../tick/tick-loop.service';
import { JobSlot, RecurringJob } from '../../clock/recurring-job.decorator';
import { missedRounds, RoundSlot, roundSlots } from './round-schedule';

export const TICK_JOB = 'predict:tick';
export const ROUND_JOB = 'predict:round';

/**
 * The predict role's recurring jobs: the tick (every `tick.interval`) and one round job per
 * active prediction config on its round-robin slot. A round first waits for the tick of its own
 * instant, then asks only the models whose history tick succeeded. ScheduledJobs arms them when the process
 * has the `predict` role and schedules are enabled. Rounds missed while the process was down
 * are logged, not replayed: a forecast made late would be scored against prices the model
 * could already have seen.
 *
 * @example
 *   await scheduledJobs.start(); // arms predict:tick and predict:round:BTC-3600-60 ...
 */
@Injectable()
export class PredictSchedulerService {
  private readonly logger = new Logger(PredictSchedulerService.name);

  constructor(
    @Inject(COMPETITION) private readonly competition: CompetitionDefinition,
    private readonly sync: CompetitionSyncService,
    private readonly configs: PredictionConfigRepository,
    private readonly rounds: PredictionRoundRepository,
    private readonly roundService: PredictionRoundService,
    private readonly tickLoop: TickLoopService,
    private readonly clock: Clock,
  ) {}

  @RecurringJob({ name: TICK_JOB, roles: ['predict'], everyMs: (c) => c.tick.interval * 1000 })
  async tick(scheduledAt: Date): Promise<void> {
    await this.tickLoop.tick(scheduledAt);
  }

  @RecurringJob({ name: ROUND_JOB, roles: ['predict'], slots: (self: PredictSchedulerService) => self.roundJobSlots() })
  async runRound(scheduledAt: Date, slot: JobSlot<RoundSlot>): Promise<void> {
    // Tick before predict: the data of this instant reaches a model before its predict does.
    await this.tickLoop.tickOf(scheduledAt);
    await this.roundService.run(slot.value.config, scheduledAt, { hasHistory: (model) => this.tickLoop.hasHistory(model) });
  }

  /** The round slots of the active configs, once the competition is synced. */
  async roundSlots(): Promise<RoundSlot[]> {
    await this.sync.synced();
    return roundSlots(await this.configs.active(this.competition.id));
  }

  /** The round jobs' schedules; logs the rounds missed while stopped and the schedule. */
  async roundJobSlots(): Promise<Array<JobSlot<RoundSlot>>> {
    const slots = await this.roundSlots();
    await this.logMissedRounds(slots);
    this.logger.log(
      `tick every ${this.competition.tick.interval} s; ${slots.length} prediction config(s) scheduled: ` +
        slots.map((s) => `${configParamKey(s.config)} every ${s.everyMs / 1000} s at +${s.offsetMs / 1000} s`).join(', '),
    );
    return slots.map((slot) => ({ key: configParamKey(slot.config), everyMs: slot.everyMs, offsetMs: slot.offsetMs, value: slot }));
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
