/**
 * Runs the local orchestrator on its own:
 *   node dist/src/local-orchestrator/main.js --config deployment/models.yaml --port 9091 --crunch-id condorgame
 * Options: --host 127.0.0.1, --python python3, --base-class condorgame.tracker.TrackerBase, --rescan-ms 5000.
 * Stops gracefully (children killed, servers closed) on SIGINT/SIGTERM.
 */
import { Logger } from '@nestjs/common';
import { parseArgs } from 'util';
import { LocalOrchestrator } from './local-orchestrator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'deployment/models.yaml' },
      port: { type: 'string', default: '9091' },
      host: { type: 'string', default: '127.0.0.1' },
      'crunch-id': { type: 'string', default: 'condorgame' },
      python: { type: 'string', default: 'python3' },
      'base-class': { type: 'string', default: 'condorgame.tracker.TrackerBase' },
      'rescan-ms': { type: 'string', default: '5000' },
    },
  });
  const logger = new Logger('LocalOrchestrator');
  const wsPort = Number(values.port);
  const rescanIntervalMs = Number(values['rescan-ms']);
  if (!Number.isInteger(wsPort) || wsPort < 0 || wsPort > 65535) throw new Error(`--port ${values.port} is not a port number`);
  if (!Number.isInteger(rescanIntervalMs) || rescanIntervalMs < 0) throw new Error(`--rescan-ms ${values['rescan-ms']} is not a duration`);
  const orchestrator = new LocalOrchestrator();
  const startedAt = Date.now();
  await orchestrator.start({
    crunchId: values['crunch-id']!,
    host: values.host,
    wsPort,
    modelsConfigPath: values.config!,
    baseClassName: values['base-class'],
    pythonExecutable: values.python,
    rescanIntervalMs,
    logger,
  });
  logger.log(`ready in ${Date.now() - startedAt} ms at ${orchestrator.url}`);
  const shutdown = (signal: string) => {
    logger.log(`${signal}: stopping`);
    orchestrator.stop().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  new Logger('LocalOrchestrator').error(error.message);
  process.exit(1);
});
