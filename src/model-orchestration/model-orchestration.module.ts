import { DynamicModule, Logger, Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { LocalOrchestrator, LocalOrchestratorStartOptions } from '../local-orchestrator/local-orchestrator';
import { ModelRunnerModule } from '../model-runner/model-runner.module';
import { ModelRunnerOptions } from '../model-runner/model-runner.options';
import { OrchestratorModelsController } from './api/orchestrator-models.controller';
import { LocalOrchestratorHandle } from './local-orchestrator-handle';

export { LocalOrchestratorHandle } from './local-orchestrator-handle';

/** Where the models are: an external orchestrator, or one this process starts itself. */
export type ModelOrchestrationPlan =
  | { kind: 'external'; runner: ModelRunnerOptions }
  | { kind: 'local'; runner: ModelRunnerOptions; orchestrator: LocalOrchestratorStartOptions };

@Module({})
class LocalOrchestratorHostModule {
  static forPlan(plan: ModelOrchestrationPlan): DynamicModule {
    return {
      module: LocalOrchestratorHostModule,
      // Global: the health check and the report's model health read which configured models do not run.
      global: true,
      providers: [
        {
          provide: LocalOrchestratorHandle,
          useFactory: async () => {
            if (plan.kind !== 'local') return new LocalOrchestratorHandle(null);
            const orchestrator = new LocalOrchestrator();
            await orchestrator.start({ logger: new Logger('LocalOrchestrator'), ...plan.orchestrator });
            return new LocalOrchestratorHandle(orchestrator);
          },
        },
      ],
      exports: [LocalOrchestratorHandle],
    };
  }
}

/**
 * Provides the model-calling side of the app (ModelRunnerService, the predict module's
 * ModelCaller) for a plan. With no ORCHESTRATOR_HOST the local orchestrator starts in-process on
 * a free loopback port and the runner connects to it exactly as it would to a real orchestrator
 * (same WebSocket and gRPC protocol); PipelineLifecycle stops it after the runner.
 *
 * @example
 *   imports: [ModelOrchestrationModule.forPlan(bootstrapConfiguration(process.env).fleet)]
 */
@Module({})
export class ModelOrchestrationModule {
  static forPlan(plan: ModelOrchestrationPlan): DynamicModule {
    const host = LocalOrchestratorHostModule.forPlan(plan);
    return {
      module: ModelOrchestrationModule,
      // The local orchestrator's own API (/orchestrator/models): uploads held in memory up to its limit.
      controllers: [OrchestratorModelsController],
      imports: [
        host,
        MulterModule.registerAsync({
          imports: [host],
          inject: [LocalOrchestratorHandle],
          useFactory: (handle: LocalOrchestratorHandle) => ({
            limits: { fileSize: handle.orchestrator?.maxUploadBytes ?? 0, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 22 },
          }),
        }),
        ModelRunnerModule.forRootAsync({
          imports: [host],
          inject: [LocalOrchestratorHandle],
          useFactory: (handle: LocalOrchestratorHandle) => {
            if (!handle.orchestrator) return plan.runner;
            const url = new URL(handle.orchestrator.url);
            return { ...plan.runner, host: url.hostname, port: Number(url.port) };
          },
        }),
      ],
      exports: [ModelRunnerModule, host],
    };
  }
}
