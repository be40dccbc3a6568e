import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { APP_CONFIG } from './config/config.tokens';
import { AppConfig } from './config/app-config';
import { JobScheduler } from './clock/job-scheduler';
import { DataSourceService } from './data-source/data-source.service';
import { HealthRegistry } from './health/health.registry';
import { orchestratorCheck } from './model-orchestration/orchestrator-check';
import { LocalOrchestratorHandle } from './model-orchestration/model-orchestration.module';
import { ModelRunnerService } from './model-runner/model-runner.service';
import { ScheduledJobs } from './clock/scheduled-jobs.service';

/** Token of when the pipeline starts: `bootstrap` (Nest's onApplicationBootstrap, for tests using `app.init()`) or `manual` (main calls `start()` once the port is bound). */
export const PIPELINE_START = Symbol('PIPELINE_START');
export type PipelineStart = 'bootstrap' | 'manual';

/**
 * Starts the pipeline's long-running parts in order once every module is ready (the recurring
 * jobs this instance runs, the feed's window loaded before the first tick; the orchestrator
 * connection opened after the model registry subscribed), and stops them in reverse before the
 * database closes.
 */
@Injectable()
export class PipelineLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Pipeline');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: JobScheduler,
    private readonly jobs: ScheduledJobs,
    private readonly health: HealthRegistry,
    @Optional() private readonly marketData?: DataSourceService,
    @Optional() private readonly fleet?: ModelRunnerService,
    @Optional() private readonly localOrchestrator?: LocalOrchestratorHandle,
    @Optional() @Inject(PIPELINE_START) private readonly startWhen: PipelineStart = 'bootstrap',
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.startWhen === 'bootstrap') await this.start();
  }

  /** Registers the feed and orchestrator health checks, then starts the feed, the jobs and the models. */
  async start(): Promise<void> {
    // Checks first: /healthz answers while the feed loads its window and the models start.
    if (this.marketData) {
      const marketData = this.marketData;
      this.health.register('feed', () => ({ ...marketData.health() }));
    }
    const fleet = this.fleet;
    if (fleet) {
      const local = this.localOrchestrator;
      this.health.register('orchestrator', () => orchestratorCheck(fleet.health(), local?.notRunning() ?? []));
    }
    this.health.starting = true;
    // Starts the feed (its window loaded) before arming any job, so the first tick has data.
    await this.jobs.start();
    await fleet?.start();
    this.health.starting = false;
    this.logger.log(`pipeline started (roles ${this.config.roles.join(', ')})`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Stop starting new work, let running jobs finish (bounded), then close connections.
    await this.scheduler.stop(Math.max(1000, this.config.shutdownTimeoutMs - 3000));
    await this.fleet?.stop().catch((err) => this.logger.error(`model runner stop failed: ${(err as Error).message}`));
    await this.marketData?.stop().catch((err) => this.logger.error(`feed stop failed: ${(err as Error).message}`));
    await this.localOrchestrator?.stop();
  }
}
