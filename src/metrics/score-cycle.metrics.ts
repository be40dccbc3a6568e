import { Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';

/** Cycle duration buckets (seconds): a quiet cycle takes milliseconds, a catch-up minutes. */
const CYCLE_SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * `coordinator_score_cycle_duration_seconds`: wall time of each scoring cycle this instance ran
 * (under its advisory lock). Registered on the first cycle, so only a score instance has it.
 *
 * @example
 *   const done = cycleMetrics.cycleStarted();
 *   ... // the cycle
 *   done();
 */
@Injectable()
export class ScoreCycleMetrics {
  private duration?: Histogram;

  constructor(private readonly registry: Registry) {}

  /** Starts timing a cycle; call the returned function when it ends. */
  cycleStarted(): () => void {
    this.duration ??= new Histogram({
      name: 'coordinator_score_cycle_duration_seconds',
      help: 'Wall time of the scoring cycles this instance ran.',
      buckets: CYCLE_SECONDS_BUCKETS,
      registers: [this.registry],
    });
    return this.duration.startTimer();
  }
}
