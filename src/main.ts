import 'reflect-metadata';
import * as fs from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { bootstrapConfiguration } from './bootstrap/bootstrap-configuration';
import { ConfigError } from './config/config-error';
import { DataDirInUseError } from './database/data-dir-lock';
import { JsonLogger } from './logging/json-logger';
import { setupOpenApi } from './openapi';
import { configureReportApp } from './report/configure-report-app';

const ENV_FILE = process.env.ENV_FILE ?? '.env';

/**
 * Starts the coordinator: validates the environment and the competition file (one clear line
 * and exit code 1 when something is wrong), opens the database, starts the pipeline and the
 * HTTP server, and shuts everything down cleanly on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  // .env supplies defaults; variables already set in the environment win.
  if (fs.existsSync(ENV_FILE)) process.loadEnvFile(ENV_FILE);
  let boot;
  try {
    boot = bootstrapConfiguration(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error (${err.source}): ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { config, competition, fleet, extensions } = boot;
  const logger = new JsonLogger(config.logLevel);
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, competition, fleet, extensions }), {
      logger,
      bufferLogs: true,
      abortOnError: false,
    });
  } catch (err) {
    if (err instanceof DataDirInUseError || err instanceof ConfigError) {
      logger.flush();
      process.stderr.write(`cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  app.enableShutdownHooks();
  // The report API's fast path and CORS exist only where its module is loaded.
  if (config.roles.includes('report')) configureReportApp(app, config);
  app.disable('x-powered-by');
  setupOpenApi(app);
  await app.listen(config.port, config.host);
  logger.log(`coordinator-node listening on http://${config.host}:${config.port} (competition ${competition.id}, roles ${config.roles.join(',')})`, 'Main');

  installShutdown(app, logger, config.shutdownTimeoutMs);
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

main().catch((err) => {
  process.stderr.write(`fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
