import { DynamicModule, Module } from '@nestjs/common';
import { MODEL_RUNNER_OPTIONS, ModelRunnerOptions } from './model-runner.options';
import { ModelRunnerService } from './model-runner.service';

/**
 * Provides ModelRunnerService. The app calls `start()` once its consumers subscribed to
 * `membership$` (so no `joined` event is missed); shutdown closes everything.
 *
 * The app reaches it through ModelOrchestrationModule, which supplies the orchestrator's address
 * once it is known (the in-process orchestrator listens on a free port).
 *
 * @example
 *   imports: [ModelRunnerModule.forRootAsync({ useFactory: (handle) => ({ ...options, port }), inject: [LocalOrchestratorHandle] })]
 */
@Module({})
export class ModelRunnerModule {
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
