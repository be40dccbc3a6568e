import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../app.module';
import { JsonLogger } from '../logging/json-logger';
import { setupOpenApi } from '../openapi';
import { PipelineLifecycle } from '../pipeline-lifecycle';
import { configureReportApp } from '../report/configure-report-app';
import type { Bootstrap } from './bootstrap-configuration';
import { listenError } from './startup-checks';

/**
 * Opens the database (Nest builds the modules), binds the HTTP port and only then starts the
 * pipeline, so a port taken since the start-up check stops the process before any job runs.
 * Installs the SIGTERM/SIGINT shutdown.
 */
export async function startCoordinator({ config, competition, fleet, extensions }: Bootstrap): Promise<void> {
  const logger = new MainLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, competition, fleet, extensions, pipelineStart: 'manual' }), {
    logger,
    bufferLogs: true,
    abortOnError: false,
  });
  app.enableShutdownHooks();
  // The report API's fast path and CORS exist only where its module is loaded.
  if (config.roles.includes('report')) configureReportApp(app, config);
  app.disable('x-powered-by');
  setupOpenApi(app);
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    // Free when checked a moment ago, taken since: still before any job ran.
    await app.close().catch(() => undefined);
    throw listenError(err as NodeJS.ErrnoException, config.port, config.host);
  }
  installShutdown(app, logger, config.shutdownTimeoutMs);
  await app.get(PipelineLifecycle).start();
  logger.log(`coordinator-node listening on http://${config.host}:${config.port} (competition ${competition.id}, roles ${config.roles.join(',')})`, 'Main');
}

/**
 * Nest logs a failed start (with its stack) before rethrowing it; main reports that failure
 * itself in one line, so that echo is dropped. Every other log passes through.
 */
class MainLogger extends JsonLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (rest[rest.length - 1] === 'ExceptionHandler') return;
    super.error(message, ...rest);
  }
}

function installShutdown(app: NestExpressApplication, logger: JsonLogger, timeoutMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`, 'Main');
    // Hard stop if something hangs: the process must exit within 10 s of the signal.
    setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms, exiting`, 'Main');
      logger.flush();
      process.exit(1);
    }, timeoutMs).unref();
    app
      .close()
      .then(() => {
        logger.log('stopped cleanly', 'Main');
        logger.flush();
        process.exit(0);
      })
      .catch((err) => {
        logger.error(`shutdown failed: ${(err as Error).message}`, 'Main');
        logger.flush();
        process.exit(1);
      });
  };
  // enableShutdownHooks also listens; our handler owns the exit and the deadline.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

