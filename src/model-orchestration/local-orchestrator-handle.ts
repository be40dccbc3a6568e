import { Injectable, Logger } from '@nestjs/common';
import { LocalOrchestrator, NotRunningModel } from '../local-orchestrator/local-orchestrator';

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
