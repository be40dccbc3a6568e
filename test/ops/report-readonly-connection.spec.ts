import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SystemClock } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { loadAppConfig } from '../../src/config/app-config';
import { ConfigError } from '../../src/config/config-error';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseLifecycle, DatabaseModule } from '../../src/database/database.module';
import { REPORT_DATA_SOURCE } from '../../src/database/report-data-source';
import { LeaderboardRepository } from '../../src/leaderboard/leaderboard.repository';
import { ModelRegistryRepository } from '../../src/predict/registry/model-registry.repository';
import { configureReportApp } from '../../src/report/configure-report-app';
import { ReportLayoutRepository } from '../../src/report/layout/report-layout.repository';
import { ReportModule } from '../../src/report/report.module';
import { checkDatabaseReachable, checkStartupResources } from '../../src/bootstrap/startup-checks';
import { ADMIN_HEADERS, TEST_API_KEYS } from '../support/api-keys';
import { freePort } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { demoCompetition } from '../report/support/report-test-app';
import { ReportSeed } from '../report/support/report-seed';

const ROOT = path.resolve(__dirname, '../..');
const ROLE_FILE = path.join(ROOT, 'deployment/postgres/readonly-role.sql');

describe('REPORT_DATABASE_URL', () => {
  it('is refused with one line naming it when DATABASE_URL is unset (the embedded database has no roles)', () => {
    expect(() => loadAppConfig({ REPORT_DATABASE_URL: 'postgres://report@127.0.0.1:5432/coordinator' })).toThrow(ConfigError);
    expect(() => loadAppConfig({ REPORT_DATABASE_URL: 'postgres://report@127.0.0.1:5432/coordinator' })).toThrow(/^REPORT_DATABASE_URL: is set but DATABASE_URL is not/);
  });

  it('must be a PostgreSQL URL, like DATABASE_URL', () => {
    expect(() => loadAppConfig({ DATABASE_URL: 'postgres://a@h/db', REPORT_DATABASE_URL: 'mysql://report@h/db' })).toThrow(/^REPORT_DATABASE_URL: must use postgres: or postgresql:/);
  });

  it('is checked at start like DATABASE_URL: a server that does not answer is named after REPORT_DATABASE_URL', async () => {
    const port = await freePort(); // nothing listens there
    await expect(checkDatabaseReachable(`postgres://report:secret@127.0.0.1:${port}/coordinator`, 'REPORT_DATABASE_URL')).rejects.toThrow(
      new RegExp(`^REPORT_DATABASE_URL: cannot connect to 127\\.0\\.0\\.1:${port}/coordinator: `),
    );
  });

  it('is optional: unset, the report reads through DATABASE_URL', () => {
    expect(loadAppConfig({ DATABASE_URL: 'postgres://a@h/db' }).reportDatabaseUrl).toBeUndefined();
  });
});

/** Why the PostgreSQL part cannot run here, or null when it can. */
function skipReason(): string | null {
  if (!process.env.TEST_DATABASE_URL) return 'TEST_DATABASE_URL is unset (roles exist on a PostgreSQL server only; PGlite has none)';
  if (spawnSync('psql', ['--version']).status !== 0) return 'psql is not on PATH (the role file is a psql script)';
  return null;
}

const reason = skipReason();
if (reason) process.stderr.write(`test/ops/report-readonly-connection.spec.ts: the report API through a read-only role SKIPPED: ${reason}\n`);
const onPostgres = reason ? describe.skip : describe;

onPostgres('the report API through the role of deployment/postgres/readonly-role.sql [postgres]', () => {
  const competition = demoCompetition();
  const role = `cn_report_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let reportUrl: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-readonly-'));

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const seed = new ReportSeed(db.dataSource, competition);
    await seed.competition();
    await seed.model({ id: 'm-alpha', name: 'alpha', cruncherName: 'alice' });
    await seed.leaderboard('2025-01-01T10:00:00.000Z', [{ rank: 1, model_id: 'm-alpha', model_name: 'alpha', cruncher_name: 'alice', score_recent: 0.5, score_steady: 0.4, score_anchor: 0.3 }]);
    await seed.snapshot({ modelId: 'm-alpha', at: '2025-01-01T10:00:00.000Z', recent: 0.5, steady: 0.4, anchor: 0.3 });
    await seed.prediction({ modelId: 'm-alpha', performedAt: '2025-01-01T09:58:00.000Z', score: 0.5, scoreSuccess: true, scoredAt: '2025-01-01T10:00:00.000Z' });

    // The operator's command, as the README gives it, run as the owner of the tables.
    execFileSync('psql', [db.url, '-q', '-v', `report_role=${role}`, '-v', `report_password=${password}`, '-f', ROLE_FILE], { stdio: 'pipe' });
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    reportUrl = url.toString();

    const config = loadAppConfig({ DATABASE_URL: db.url, REPORT_DATABASE_URL: reportUrl, DATA_DIR: dataDir, API_KEYS: TEST_API_KEYS });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config, competition), ClockModule.forRoot(new SystemClock()), DatabaseModule, ReportModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    configureReportApp(app, config);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).finally(() => admin.end());
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const mainDataSource = () => app.select(DatabaseModule).get(DataSource, { strict: true });
  /** Whether `repository` was constructed with `dataSource` (repositories keep it in a private field). */
  const readsThrough = (repository: object, dataSource: DataSource) => Object.values(repository).includes(dataSource);

  async function getJson(route: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${base}${route}`);
    return { status: res.status, body: await res.json() };
  }

  it('answers 200 from the report routes with what the pipeline stored', async () => {
    const leaderboard = await getJson('/reports/leaderboard');
    expect(leaderboard.status).toBe(200);
    expect(leaderboard.body).toEqual([expect.objectContaining({ model_id: 'm-alpha', rank: 1 })]);
    const models = await getJson('/reports/models');
    expect(models.status).toBe(200);
    expect(models.body).toEqual([expect.objectContaining({ model_id: 'm-alpha' })]);
    const snapshots = await getJson('/reports/snapshots?model_id=m-alpha');
    expect(snapshots.status).toBe(200);
    expect(snapshots.body).toHaveLength(1);
    const range = `start=${encodeURIComponent('2025-01-01T09:00:00Z')}&end=${encodeURIComponent('2025-01-01T11:00:00Z')}`;
    const predictions = await getJson(`/reports/predictions?projectIds=m-alpha&${range}`);
    expect(predictions.status).toBe(200);
    expect(predictions.body).toHaveLength(1);
    for (const route of ['/reports/leaderboard/view', '/reports/models/global?projectIds=m-alpha&' + range, '/reports/feeds', '/reports/checkpoints', '/info']) {
      expect([route, (await fetch(`${base}${route}`)).status]).toEqual([route, 200]);
    }
  });

  it('gives the report readers the read-only connection, logged in as the role', async () => {
    const reports = app.get<DataSource>(REPORT_DATA_SOURCE);
    expect(reports === mainDataSource()).toBe(false);
    expect(await reports.query('SELECT current_user AS name')).toEqual([{ name: role }]);
    expect(await mainDataSource().query('SELECT current_user AS name')).toEqual([{ name: 'postgres' }]);
    // Repositories of other modules (leaderboard, predict): in this app only the report's read scope provides them.
    expect(readsThrough(app.get(LeaderboardRepository), reports)).toBe(true);
    expect(readsThrough(app.get(ModelRegistryRepository), reports)).toBe(true);
    // /healthz's database check covers both pools.
    expect(await app.get(DatabaseLifecycle).ping()).toMatchObject({ status: 'up', mode: 'postgres', report: { status: 'up' } });
  });

  it('stops the start in one line naming REPORT_DATABASE_URL when its server refuses the role', async () => {
    const wrong = new URL(reportUrl);
    wrong.username = `${role}_missing`; // the test server trusts local connections: an unknown role is what it refuses
    wrong.password = 'not-the-password';
    const config = loadAppConfig({ DATABASE_URL: db.url, REPORT_DATABASE_URL: wrong.toString(), DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1' });
    const failure = checkStartupResources(config, {});
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/^REPORT_DATABASE_URL: cannot connect to 127\.0\.0\.1:5432\/cn_test_\w+: /);
    await expect(failure).rejects.not.toThrow(/not-the-password/);
  });

  it('refuses a write through that connection', async () => {
    const reports = app.get<DataSource>(REPORT_DATA_SOURCE);
    await expect(reports.query(`INSERT INTO competitions (id, name, definition) VALUES ('intruder', 'x', '{}'::jsonb)`)).rejects.toThrow(/read-only transaction|permission denied/);
    await expect(reports.query(`DELETE FROM leaderboards`)).rejects.toThrow(/read-only transaction|permission denied/);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM leaderboards`)).toEqual([{ n: 1 }]);
  });

  it('refuses it on privileges alone: the role may only SELECT, even with read-only transactions switched off', async () => {
    const client = new Client({ connectionString: reportUrl });
    await client.connect();
    try {
      await client.query('SET default_transaction_read_only = off');
      await expect(client.query(`INSERT INTO competitions (id, name, definition) VALUES ('intruder', 'x', '{}'::jsonb)`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(`UPDATE leaderboards SET entries = '[]'::jsonb`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(`CREATE TABLE intruder (x int)`)).rejects.toMatchObject({ code: '42501' });
      // A table a later migration creates (as the owner) is readable by the role: default privileges.
      await db.dataSource.query(`CREATE TABLE later_migration (x int)`);
      expect((await client.query(`SELECT count(*)::int AS n FROM later_migration`)).rows).toEqual([{ n: 0 }]);
    } finally {
      await client.end();
    }
  });

  it('keeps the layout editing routes, which write report_layouts, on the main connection', async () => {
    expect(readsThrough(app.select(ReportModule).get(ReportLayoutRepository, { strict: true }), mainDataSource())).toBe(true);
    const res = await fetch(`${base}/leaderboard/columns/reset`, { method: 'POST', headers: ADMIN_HEADERS });
    expect(res.status).toBe(200);
    const added = await fetch(`${base}/leaderboard/columns`, {
      method: 'POST',
      headers: { ...ADMIN_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'VALUE', property: 'score_recent', format: 'decimal-2', displayName: 'Recent', tooltip: null, nativeConfiguration: null, order: 9 }),
    });
    expect([added.status, await added.text()]).toEqual([201, expect.stringContaining('"displayName":"Recent"')]);
  });
});
