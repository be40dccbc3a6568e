import { LocalOrchestrator, LocalOrchestratorStartOptions } from '../../../src/local-orchestrator/local-orchestrator';
import { SILENT_LOGGER } from '../../../src/local-orchestrator/orchestrator-logger';
import { FixtureEntry, writeModelsConfig } from './models-config-fixture';
import { TestModelClient } from './model-runner-test-client';

/** Starts an orchestrator on ephemeral ports for the given entries and opens clients to its models. */
export class OrchestratorFixture {
  readonly orchestrator = new LocalOrchestrator();
  private readonly clients: TestModelClient[] = [];
  configPath = '';
  wsPort = 0;

  async start(entries: FixtureEntry[], options: Partial<LocalOrchestratorStartOptions> = {}): Promise<this> {
    this.configPath = writeModelsConfig(entries);
    this.wsPort = await this.orchestrator.start({
      crunchId: 'condorgame',
      wsPort: 0,
      modelsConfigPath: this.configPath,
      rescanIntervalMs: 0,
      hangGraceMs: 200,
      logger: SILENT_LOGGER,
      ...options,
    });
    return this;
  }

  port(modelId: string): number {
    const status = this.orchestrator.statuses().find((s) => s.modelId === modelId);
    if (!status?.port) throw new Error(`model ${modelId} is not running: ${JSON.stringify(status)}`);
    return status.port;
  }

  deploymentId(modelId: string): string | undefined {
    return this.orchestrator.statuses().find((s) => s.modelId === modelId)?.deploymentId;
  }

  client(modelId: string): TestModelClient {
    const client = new TestModelClient(this.port(modelId));
    this.clients.push(client);
    return client;
  }

  /** Polls until `condition` holds (state changes after a crash happen in the background). */
  async until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(this.orchestrator.statuses())}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.clients.splice(0).forEach((client) => client.close());
    await this.orchestrator.stop();
  }
}
