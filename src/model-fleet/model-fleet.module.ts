import { DynamicModule, Injectable, Logger, Module } from '@nestjs/common';
import { LocalOrchestrator, LocalOrchestratorStartOptions } from '../local-orchestrator/local-orchestrator';
import { ModelRunnerModule } from '../model-runner/model-runner.module';
import { ModelRunnerOptions } from '../model-runner/model-runner.options';
import { ModelRunnerService } from '../model-runner/model-runner.service';

/** Where the models are: an external orchestrator, or one this process starts itself. */
export type ModelFleetPlan =
  | { kind: 'external'; runner: ModelRunnerOptions }
  | { kind: 'local'; runner: ModelRunnerOptions; orchestrator: LocalOrchestratorStartOptions };

/** The in-process orchestrator of the `local` plan, started before the runner connects to it. */
@Injectable()
export class LocalOrchestratorHandle {
  private readonly logger = new Logger('LocalOrchestrator');
  constructor(readonly orchestrator: LocalOrchestrator | null) {}

  async stop(): Promise<void> {
    if (!this.orchestrator) return;
    await this.orchestrator.stop().catch((err) => this.logger.error(`stop failed: ${(err as Error).message}`));
  }
}

@Module({})
class LocalOrchestratorHostModule {
  static forPlan(plan: ModelFleetPlan): DynamicModule {
    return {
      module: LocalOrchestratorHostModule,
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
 * The participant models as one injectable fleet (ModelRunnerService). With no ORCHESTRATOR_HOST
 * the local orchestrator starts in-process on a free loopback port and the runner connects to
 * it exactly as it would to a real orchestrator (same WebSocket and gRPC protocol).
 */
@Module({})
export class ModelFleetModule {
  static forPlan(plan: ModelFleetPlan): DynamicModule {
    const host = LocalOrchestratorHostModule.forPlan(plan);
    return {
      module: ModelFleetModule,
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

export { ModelRunnerService };
