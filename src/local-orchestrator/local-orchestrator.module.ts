import { DynamicModule, Inject, Injectable, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LocalOrchestrator, LocalOrchestratorStartOptions } from './local-orchestrator';

export const LOCAL_ORCHESTRATOR_OPTIONS = Symbol('LOCAL_ORCHESTRATOR_OPTIONS');

/**
 * Runs the local orchestrator for the app's lifetime: started on module init (so its WebSocket
 * is up before the coordinator's client connects, or at the client's next reconnect), stopped
 * with the app. Inject it to read `url` or drop client connections.
 */
@Injectable()
export class LocalOrchestratorService implements OnModuleInit, OnModuleDestroy {
  readonly orchestrator = new LocalOrchestrator();
  private readonly logger = new Logger('LocalOrchestrator');

  constructor(@Inject(LOCAL_ORCHESTRATOR_OPTIONS) private readonly options: LocalOrchestratorStartOptions) {}

  async onModuleInit(): Promise<void> {
    await this.orchestrator.start({ logger: this.logger, ...this.options });
  }

  async onModuleDestroy(): Promise<void> {
    await this.orchestrator.stop();
  }

  /** ws://host:port/<crunchId> to give the coordinator's model-runner client. */
  get url(): string {
    return this.orchestrator.url;
  }
}

/**
 * Nest module for starting the local orchestrator in-process when no external orchestrator is configured.
 *
 * @example
 *   imports: [
 *     LocalOrchestratorModule.forRoot({ crunchId: 'condorgame', wsPort: 9091, modelsConfigPath: 'deployment/models.yaml' }),
 *     // or: LocalOrchestratorModule.forRootAsync({ useFactory: (config) => ..., inject: [...] })
 *   ]
 */
@Module({})
export class LocalOrchestratorModule {
  static forRoot(options: LocalOrchestratorStartOptions): DynamicModule {
    return {
      module: LocalOrchestratorModule,
      providers: [{ provide: LOCAL_ORCHESTRATOR_OPTIONS, useValue: options }, LocalOrchestratorService],
      exports: [LocalOrchestratorService],
    };
  }

  static forRootAsync(factory: {
    useFactory: (...deps: any[]) => LocalOrchestratorStartOptions | Promise<LocalOrchestratorStartOptions>;
    inject?: any[];
    imports?: any[];
  }): DynamicModule {
    return {
      module: LocalOrchestratorModule,
      imports: factory.imports ?? [],
      providers: [
        { provide: LOCAL_ORCHESTRATOR_OPTIONS, useFactory: factory.useFactory, inject: factory.inject ?? [] },
        LocalOrchestratorService,
      ],
      exports: [LocalOrchestratorService],
    };
  }
}
