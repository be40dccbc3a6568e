/**
 * A coordinator-like parent process for tests that kill it: starts the local orchestrator in this
 * process (as the coordinator does when ORCHESTRATOR_HOST is unset) with the models file given as
 * the first argument, then prints one JSON line `{"ports": {modelId: port}}` and waits.
 *
 *   node -r test/support/register-typescript.js test/local-orchestrator/support/coordinator-stand-in.ts models.yaml
 */
import 'reflect-metadata';
import { LocalOrchestrator } from '../../../src/local-orchestrator/local-orchestrator';
import { SILENT_LOGGER } from '../../../src/local-orchestrator/orchestrator-logger';

async function main(): Promise<void> {
  const modelsConfigPath = process.argv[2];
  if (!modelsConfigPath) throw new Error('usage: coordinator-stand-in.ts MODELS_YAML');
  const orchestrator = new LocalOrchestrator();
  await orchestrator.start({
    crunchId: 'condorgame',
    wsPort: 0,
    modelsConfigPath,
    rescanIntervalMs: 0,
    // Long enough that the orchestrator itself never restarts a hanging model during a test.
    hangGraceMs: 60_000,
    logger: SILENT_LOGGER,
  });
  const ports = Object.fromEntries(orchestrator.statuses().map((status) => [status.modelId, status.port]));
  process.stdout.write(JSON.stringify({ ports }) + '\n');
  process.once('SIGTERM', () => {
    orchestrator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: Error) => {
  process.stderr.write(`coordinator stand-in: ${error.message}\n`);
  process.exit(1);
});
