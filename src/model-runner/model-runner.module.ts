import { DynamicModule, Module } from '@nestjs/common';
import { MODEL_RUNNER_OPTIONS, ModelRunnerOptions } from './model-runner.options';
import { ModelRunnerService } from './model-runner.service';

/**
 * Provides ModelRunnerService. The app calls `start()` once its consumers subscribed to
 * `membership$` (so no `joined` event is missed); shutdown closes everything.
 *
 * @example
 *   imports: [ModelRunnerModule.forRoot(modelRunnerOptionsFromEnv(process.env, { crunchId, baseClassName }))]
 *   imports: [ModelRunnerModule.forRootAsync({ useFactory: (config) => ..., inject: [AppConfig] })]
 */
@Module({})
export class ModelRunnerModule {
  static forRoot(options: ModelRunnerOptions): DynamicModule {
    return {
      module: ModelRunnerModule,
      providers: [{ provide: MODEL_RUNNER_OPTIONS, useValue: options }, ModelRunnerService],
      exports: [ModelRunnerService],
    };
  }

  static forRootAsync(factory: {
    useFactory: (...deps: any[]) => ModelRunnerOptions | Promise<ModelRunnerOptions>;
    inject?: any[];
    imports?: any[];
  }): DynamicModule {
    return {
      module: ModelRunnerModule,
      imports: factory.imports ?? [],
      providers: [{ provide: MODEL_RUNNER_OPTIONS, useFactory: factory.useFactory, inject: factory.inject ?? [] }, ModelRunnerService],
      exports: [ModelRunnerService],
    };
  }
}
