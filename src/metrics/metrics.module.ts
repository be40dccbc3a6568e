import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { LeaderboardRepository } from '../leaderboard/leaderboard.repository';
import { PredictionStoreModule } from '../predict/prediction-store.module';
import { HttpRequestMetrics } from './http-request.metrics';
import { MetricsController } from './metrics.controller';
import { ModelCallMetrics } from './model-call.metrics';
import { PipelineGauges } from './pipeline.gauges';
import { PredictionRoundMetrics } from './prediction-round.metrics';
import { ScoreCycleMetrics } from './score-cycle.metrics';

/**
 * `GET /metrics` for Prometheus, on every role. The app's own registry (so several apps in one
 * test process never share series), with prom-client's default process metrics. Global: the
 * model runner, the predict rounds and the scoring cycles inject their recorder with
 * `@Optional()` (absent in a test module without this one), and the gauges read the stages
 * present here at scrape time (PipelineGauges).
 *
 * @example
 *   imports: [MetricsModule] // then: curl -H "Authorization: Bearer $READ_KEY" :8000/metrics
 */
@Global()
@Module({
  imports: [PredictionStoreModule],
  controllers: [MetricsController],
  providers: [
    {
      provide: Registry,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
    LeaderboardRepository,
    ModelCallMetrics,
    PredictionRoundMetrics,
    ScoreCycleMetrics,
    HttpRequestMetrics,
    PipelineGauges,
  ],
  exports: [ModelCallMetrics, PredictionRoundMetrics, ScoreCycleMetrics, HttpRequestMetrics],
})
export class MetricsModule implements NestModule {
  constructor(private readonly http: HttpRequestMetrics) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.http.middleware).forRoutes('*');
  }
}
