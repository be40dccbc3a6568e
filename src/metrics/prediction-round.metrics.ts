import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/**
 * How a predict round of one config ended: `stored` (written), `buffered` (kept in the outage
 * buffer while the database is unreachable), `skipped` (its slot had already run, here or on
 * another instance) or `lost` (the database stayed unreachable and the buffer was full).
 */
export type RoundOutcome = 'stored' | 'buffered' | 'skipped' | 'lost';

/**
 * `coordinator_prediction_rounds_total{config,status}`: predict rounds by prediction config
 * (`BTC-3600-60`, bounded by the competition file) and outcome. Registered on the first round,
 * so an instance without the predict role has no such family.
 *
 * @example
 *   roundMetrics.roundEnded('BTC-3600-60', 'stored');
 */
@Injectable()
export class PredictionRoundMetrics {
  private rounds?: Counter<'config' | 'status'>;

  constructor(private readonly registry: Registry) {}

  roundEnded(config: string, outcome: RoundOutcome): void {
    this.rounds ??= new Counter({
      name: 'coordinator_prediction_rounds_total',
      help: 'Predict rounds by prediction config and outcome (stored, buffered, skipped, lost).',
      labelNames: ['config', 'status'],
      registers: [this.registry],
    });
    this.rounds.labels(config, outcome).inc();
  }
}
