import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { CompetitionModule } from '../competition/competition.module';
import { MARKET_DATA, MarketData, MODEL_CALLER, ModelCaller } from './predict.ports';
import { PredictionStoreModule } from './prediction-store.module';
import { ModelRegistryService } from './registry/model-registry.service';
import { ModelRoster } from './registry/model-roster';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { PredictionRoundService } from './round/prediction-round.service';
import { RoundOutageBuffer } from './round/round-outage-buffer';
import { PredictSchedulerService } from './schedule/predict-scheduler.service';
import { TickLoopService } from './tick/tick-loop.service';

export interface PredictModuleOptions {
  /** Modules exporting the model-caller and market-data services. */
  imports?: ModuleMetadata['imports'];
  /** The class to bind MODEL_CALLER to (`useExisting`), or an instance (tests). */
  modelCaller: Type<ModelCaller> | ModelCaller;
  /** The class to bind MARKET_DATA to (`useExisting`), or an instance (tests). */
  marketData: Type<MarketData> | MarketData;
}

/**
 * The predict loop: model registry, tick, round-robin predict rounds and their storage.
 * Needs the global Clock/JobScheduler, DataSource, APP_CONFIG and COMPETITION providers.
 *
 * @example
 *   PredictModule.register({
 *     imports: [ModelOrchestrationModule.forPlan(plan), DataSourceModule],
 *     modelCaller: ModelRunnerService,
 *     marketData: DataSourceService,
 *   })
 */
@Module({})
export class PredictModule {
  static register(options: PredictModuleOptions): DynamicModule {
    return {
      module: PredictModule,
      imports: [CompetitionModule, PredictionStoreModule, ...(options.imports ?? [])],
      providers: [
        bind(MODEL_CALLER, options.modelCaller),
        bind(MARKET_DATA, options.marketData),
        ModelRegistryService,
        ModelRoster,
        { provide: RoundOutageBuffer, useFactory: (config: AppConfig) => new RoundOutageBuffer(config.outageBufferPredictions), inject: [APP_CONFIG] },
        PredictionRoundService,
        TickLoopService,
        PredictSchedulerService,
      ],
      exports: [PredictionRoundService, TickLoopService, PredictSchedulerService, ModelRegistryService],
    };
  }
}

function bind<T>(token: symbol, target: Type<T> | T): Provider {
  return typeof target === 'function' ? { provide: token, useExisting: target } : { provide: token, useValue: target };
}
