import { DynamicModule, Injectable, Logger, Module } from '@nestjs/common';
import { LocalOrchestrator, LocalOrchestratorStartOptions, NotRunningModel } from '../local-orchestrator/local-orchestrator';
import { ModelRunnerModule } from '../model-runner/model-runner.module';
import { ModelRunnerOptions } from '../model-runner/model-runner.options';

/** Where the models are: an external orchestrator, or one this process starts itself. */
export type ModelOrchestrationPlan =
  | { kind: 'external'; runner: ModelRunnerOptions }
  | { kind: 'local'; runner: ModelRunnerOptions; orchestrator: LocalOrchestratorStartOptions };

/** The in-process orchestrator of the `local` plan, started before the runner connects to it. */
@Injectable()
export class LocalOrchestratorHandle {
  private readonly logger = new Logger('LocalOrchestrator');
  constructor(readonly orchestrator: LocalOrchestrator | null) {}

  /** The configured models that are not running, with their reasons (none with an external orchestrator). */
  notRunning(): NotRunningModel[] {
    return this.orchestrator?.notRunning() ?? [];
  }

  async stop(): Promise<void> {
    if (!this.orchestrator) return;
    await this.orchestrator.stop().catch((err) => this.logger.error(`stop failed: ${(err as Error).message}`));
  }
}

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
      imports: [
        host,
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
