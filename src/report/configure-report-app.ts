import { INestApplication } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { configureHttp } from '../http/configure-http';
import { installLeaderboardFastPath } from './leaderboard/leaderboard-fast-path';

/** Response headers browsers on other origins may read (paging and caching). */
export const REPORT_EXPOSED_HEADERS = ['ETag', 'X-Has-More', 'X-Next-Cursor', 'X-Next-Offset', 'X-Downsampled-Seconds'];

/**
 * What the report API needs on the app itself, before it is initialised: the request rules and
 * error answers every route shares (configureHttp: no body on GET/HEAD, a client error answers
 * its 4xx, an unreachable database 503), the leaderboard fast path, and CORS for the configured
 * origins (CORS_ORIGINS; `*` allows any origin; empty = same origin only). Validation is per
 * controller, so no global pipe is required (a global ValidationPipe must not set
 * forbidNonWhitelisted: the report ignores unknown query parameters for compatibility).
 *
 * @example
 *   const app = await NestFactory.create(AppModule);
 *   configureReportApp(app, config);
 */
export function configureReportApp(app: INestApplication, config: Pick<AppConfig, 'corsOrigins'>): void {
  configureHttp(app);
  installLeaderboardFastPath(app, { cors: config.corsOrigins.length > 0 });
  if (config.corsOrigins.length === 0) return;
  app.enableCors({
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
    // Writes are the layout editing routes (/leaderboard/columns, /metrics/widgets).
    methods: ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE'],
    exposedHeaders: REPORT_EXPOSED_HEADERS,
    maxAge: 600,
  });
}
