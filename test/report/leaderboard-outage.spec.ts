import { Subject } from 'rxjs';
import { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { dataSourceOptions } from '../../src/database/data-source.factory';
import { describeEachEngine } from '../support/test-database';
import { DatabaseProxy } from '../../bench/drills-database-proxy';
import { demoCompetition, ReportTestApp, startReportApp } from './support/report-test-app';
import { ReportSeed } from './support/report-seed';

const ORIGIN = 'http://ui.example';
const ROUTES = ['/reports/leaderboard', '/reports/leaderboard/view'];

/** The report app reads the database through a proxy the test cuts: the leaderboard must outlive the outage. */
describeEachEngine('leaderboard during a database outage', (db) => {
  let proxy: DatabaseProxy;
  let throughProxy: DataSource;
  let app: ReportTestApp;
  const clock = new VirtualClock(Date.UTC(2026, 0, 2));
  const events = new Subject<unknown>();

  beforeAll(async () => {
    const competition = demoCompetition();
    const seed = new ReportSeed(db().dataSource, competition);
    await seed.competition();
    await seed.model({ id: 'm-1', name: 'one', cruncherName: 'ann' });
    await seed.leaderboard('2026-01-01T00:00:00.000Z', [
      { rank: 1, model_id: 'm-1', model_name: 'one', cruncher_name: 'ann', score_recent: 0, score_steady: 1.5, score_anchor: null },
    ]);
    proxy = await DatabaseProxy.start(db().url);
    throughProxy = new DataSource(dataSourceOptions(proxy.url, { embedded: db().engine === 'pglite', poolSize: 2 }));
    await throughProxy.initialize();
    // CORS on: a request with Origin goes through Express and the controller, one without takes the fast path.
    app = await startReportApp(throughProxy, { competition, clock, events, corsOrigins: [ORIGIN] });
  });

  afterAll(async () => {
    await app?.close();
    await proxy.restore();
    await throughProxy?.destroy();
    await proxy.close();
  });

  async function both(route: string): Promise<Array<{ path: string; status: number; age: string | null; body: string }>> {
    const answers = [];
    for (const [path, headers] of [
      ['fast path', {}],
      ['Nest route', { Origin: ORIGIN }],
    ] as const) {
      const res = await fetch(`${app.url}${route}`, { headers });
      answers.push({ path, status: res.status, age: res.headers.get('x-leaderboard-age'), body: await res.text() });
    }
    return answers;
  }

  /** Requests until the background re-check has settled into `want` (an age header or none). */
  async function settle(route: string, want: (age: string | null) => boolean): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${app.url}${route}`);
      await res.arrayBuffer();
      if (want(res.headers.get('x-leaderboard-age'))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('keeps serving the last good copy, with its age, through the fast path and the Nest route', async () => {
    const before = new Map<string, string>();
    for (const route of ROUTES) {
      const answers = await both(route);
      expect(answers.map((a) => [a.path, a.status, a.age])).toEqual([
        ['fast path', 200, null],
        ['Nest route', 200, null],
      ]);
      before.set(route, answers[0].body);
    }

    await proxy.cut();
    await clock.advance(6_000); // past REVALIDATE_AFTER_MS: the next request re-checks, and cannot
    for (const route of ROUTES) {
      await settle(route, (age) => age !== null);
      const answers = await both(route);
      expect(answers.map((a) => [a.path, a.status, a.age, a.body])).toEqual([
        ['fast path', 200, '6', before.get(route)],
        ['Nest route', 200, '6', before.get(route)],
      ]);
    }

    // A new leaderboard announced while the database is down: the rebuild fails, the old copy stays.
    events.next({});
    await clock.advance(4_000);
    for (const route of ROUTES) {
      const answers = await both(route);
      expect(answers.map((a) => [a.path, a.status, a.age, a.body])).toEqual([
        ['fast path', 200, '10', before.get(route)],
        ['Nest route', 200, '10', before.get(route)],
      ]);
    }

    // Back up: the next re-check confirms the copy, which is served without an age again.
    await proxy.restore();
    await clock.advance(6_000);
    for (const route of ROUTES) {
      await settle(route, (age) => age === null);
      const answers = await both(route);
      expect(answers.map((a) => [a.path, a.status, a.age])).toEqual([
        ['fast path', 200, null],
        ['Nest route', 200, null],
      ]);
    }
  }, 60_000);
});
