import * as path from 'node:path';
import { INestApplication, LoggerService, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { Clock, SystemClock } from '../../../src/clock/clock';
import { ClockModule } from '../../../src/clock/clock.module';
import { AccessModule } from '../../../src/auth/access.module';
import { loadAppConfig } from '../../../src/config/app-config';
import { ConfigModule } from '../../../src/config/config.module';
import type { Env } from '../../../src/config/env';
import { loadCompetitionFile } from '../../../src/config/competition/competition.loader';
import { CompetitionDefinition } from '../../../src/config/competition/competition.types';
import { configureReportApp } from '../../../src/report/configure-report-app';
import { ReportModule } from '../../../src/report/report.module';
import { LEADERBOARD_EVENTS } from '../../../src/report/report.tokens';
import { TEST_API_KEYS } from '../../support/api-keys';

export interface ReportTestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  competition: CompetitionDefinition;
  close(): Promise<void>;
}

export function demoCompetition(): CompetitionDefinition {
  return loadCompetitionFile(path.join(__dirname, '../../../competitions/demo.yaml'));
}

/**
 * Suites that send thousands of requests (the fuzzer) are not about limits: they are off here
 * unless `env` sets them (test/auth checks them).
 */
const TEST_ENV: Env = { API_KEYS: TEST_API_KEYS, RATE_LIMIT_IP_PER_MINUTE: '0', RATE_LIMIT_KEY_PER_MINUTE: '0' };

/**
 * The report module alone, over HTTP on a loopback port, reading `dataSource`, behind the access
 * guards (the TEST_API_KEYS keys; send ADMIN_HEADERS to the editing routes). `env` is read as
 * the process environment would be, over TEST_ENV.
 *
 * @example
 *   const t = await startReportApp(db().dataSource);
 *   const res = await fetch(`${t.url}/reports/models`);
 */
export async function startReportApp(
  dataSource: DataSource,
  opts: { competition?: CompetitionDefinition; clock?: Clock; events?: Observable<unknown>; corsOrigins?: string[]; env?: Env; logger?: LoggerService } = {},
): Promise<ReportTestApp> {
  const competition = opts.competition ?? demoCompetition();
  const config = { ...loadAppConfig({ ...TEST_ENV, ...opts.env }), corsOrigins: opts.corsOrigins ?? [] };

  @Module({
    providers: [
      { provide: DataSource, useValue: dataSource },
      ...(opts.events ? [{ provide: LEADERBOARD_EVENTS, useValue: opts.events }] : []),
    ],
    exports: [DataSource, ...(opts.events ? [LEADERBOARD_EVENTS] : [])],
  })
  class TestDatabaseModule {}

  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config, competition), ClockModule.forRoot(opts.clock ?? new SystemClock()), globalize(TestDatabaseModule), AccessModule.forRoot(config), ReportModule],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: opts.logger ?? ['error'] });
  configureReportApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, competition, close: () => app.close() };
}

// The report module gets DataSource and LEADERBOARD_EVENTS from the app (global modules there).
function globalize<T>(module: T): { module: T; global: true } {
  return { module, global: true } as { module: T; global: true };
}
