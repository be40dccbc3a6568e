import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../../src/app.module';
import { VirtualClock } from '../../../src/clock/clock';
import { loadAppConfig } from '../../../src/config/app-config';
import { loadCompetitionFile } from '../../../src/config/competition/competition.loader';
import type { CompetitionDefinition } from '../../../src/config/competition/competition.types';
import { ModelRunnerService } from '../../../src/model-runner/model-runner.service';
import { SILENT_LOGGER } from '../../../src/local-orchestrator/orchestrator-logger';
import { ModelRegistryService } from '../../../src/predict/registry/model-registry.service';
import { configureReportApp } from '../../../src/report/configure-report-app';
import { FixtureEntry, writeModelsConfig } from '../../local-orchestrator/support/models-config-fixture';
import { READ_HEADERS, TEST_API_KEYS } from '../../support/api-keys';

export interface PipelineApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  clock: VirtualClock;
  competition: CompetitionDefinition;
  /** GET `path` with the read key. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** The /metrics text, scraped with the read key. */
  scrape(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The demo competition with its synthetic prices starting on the test's day and a 5-minute
 * history, so the feed's start (walking the price process from its origin, then the backfill)
 * stays short on a busy machine.
 */
export function demoCompetition(originMs: number): CompetitionDefinition {
  const demo = loadCompetitionFile(path.join(__dirname, '../../../competitions/demo.yaml'));
  return { ...demo, feed: { ...demo.feed, historySeconds: 300, options: { ...demo.feed.options, origin: new Date(originMs - 3_600_000).toISOString() } } };
}

/**
 * The whole app as main.ts builds it (AppModule for ROLES, the report's HTTP setup, the pipeline
 * started on bootstrap), in this process: the demo competition on its synthetic feed, the local
 * orchestrator hosting `models`, on `databaseUrl` and a virtual clock that the test advances.
 * With the predict role it waits until every model runs and the registry has recorded them.
 */
export async function startPipelineApp(opts: { databaseUrl: string; clock: VirtualClock; roles?: string; models?: FixtureEntry[] }): Promise<PipelineApp> {
  const competition = demoCompetition(opts.clock.nowMs());
  const config = loadAppConfig({ DATABASE_URL: opts.databaseUrl, API_KEYS: TEST_API_KEYS, ...(opts.roles ? { ROLES: opts.roles } : {}) });
  const models = opts.models ?? [];
  const fleet = {
    kind: 'local' as const,
    runner: { host: '127.0.0.1', port: 0, crunchId: competition.id, baseClassName: competition.model.baseClass, callTimeoutMs: competition.model.callTimeoutMs, setupBackoffMs: 50 },
    orchestrator: { crunchId: competition.id, wsPort: 0, rescanIntervalMs: 0, logger: SILENT_LOGGER, baseClassName: competition.model.baseClass, modelsConfigPath: writeModelsConfig(models) },
  };
  const app = await NestFactory.create(AppModule.forRoot({ config, competition, fleet, clock: opts.clock }), { logger: process.env.PIPELINE_APP_LOGS ? ['log', 'warn', 'error'] : false, abortOnError: false });
  configureReportApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  if (config.roles.includes('predict')) {
    const runner = app.get(ModelRunnerService);
    const deadline = Date.now() + 20_000;
    while (runner.runningModels().length < models.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (runner.runningModels().length < models.length) throw new Error(`only ${runner.runningModels().length} of ${models.length} models started`);
    await app.get(ModelRegistryService).idle();
  }
  const get = (route: string, headers: Record<string, string> = READ_HEADERS) => fetch(`${url}${route}`, { headers });
  return {
    app,
    url,
    clock: opts.clock,
    competition,
    get,
    async scrape() {
      const res = await get('/metrics');
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${await res.text()}`);
      return res.text();
    },
    close: () => app.close(),
  };
}
