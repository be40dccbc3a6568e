import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AdminModule } from '../../../src/admin/admin.module';
import { Clock } from '../../../src/clock/clock';
import { ClockModule } from '../../../src/clock/clock.module';
import { loadAppConfig } from '../../../src/config/app-config';
import { ConfigModule } from '../../../src/config/config.module';
import { loadCompetitionFile } from '../../../src/config/competition/competition.loader';
import type { CompetitionDefinition } from '../../../src/config/competition/competition.types';
import { configureReportApp } from '../../../src/report/configure-report-app';
import { ReportModule } from '../../../src/report/report.module';
import { ADMIN_HEADERS, TEST_API_KEYS } from '../../support/api-keys';

export interface AdminTestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Sends JSON with the admin key; `body` undefined sends no body. */
  send(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
  get(route: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export function demoCompetition(): CompetitionDefinition {
  return loadCompetitionFile(path.join(__dirname, '../../../competitions/demo.yaml'));
}

/**
 * The admin and report APIs over HTTP on a loopback port, as the report role serves them, plus
 * whatever `imports` a test adds (the predict loop, ...). Configured with the test API keys;
 * every request sends the admin key.
 *
 * @example
 *   const t = await startAdminApp(db().dataSource, competition, clock);
 *   const res = await t.send('POST', '/admin/models/m1/disable', { reason: 'copies m2' });
 */
export async function startAdminApp(
  dataSource: DataSource,
  competition: CompetitionDefinition,
  clock: Clock,
  opts: { imports?: ModuleMetadata['imports'] } = {},
): Promise<AdminTestApp> {
  const config = loadAppConfig({ API_KEYS: TEST_API_KEYS, SCHEDULES_ENABLED: 'false' });

  @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
  class TestDatabaseModule {}

  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config, competition), ClockModule.forRoot(clock), { module: TestDatabaseModule, global: true }, ReportModule, AdminModule, ...(opts.imports ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  configureReportApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const answer = async (res: Response) => {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    app,
    url,
    send: async (method, route, body) =>
      answer(await fetch(`${url}${route}`, { method, headers: { ...ADMIN_HEADERS, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })),
    get: async (route) => answer(await fetch(`${url}${route}`, { headers: ADMIN_HEADERS })),
    close: () => app.close(),
  };
}
