import { describeEachEngine } from '../support/test-database';
import { demoCompetition, startReportApp } from './support/report-test-app';
import { ReportSeed } from './support/report-seed';

/** The leaderboard's fast path must answer exactly as the controller does. */
describeEachEngine('leaderboard fast path', (db) => {
  it('serves the same status, body and caching headers as the Nest controller', async () => {
    const competition = demoCompetition();
    const seed = new ReportSeed(db().dataSource, competition);
    await seed.competition();
    await seed.model({ id: 'm-1', name: 'one', cruncherName: 'ann' });
    await seed.leaderboard('2026-01-01T00:00:00.000Z', [
      { rank: 1, model_id: 'm-1', model_name: 'one', cruncher_name: 'ann', score_recent: 0, score_steady: 1.5, score_anchor: null },
    ]);
    // CORS on: a request with Origin goes through Express and the controller, one without takes the fast path.
    const app = await startReportApp(db().dataSource, { competition, corsOrigins: ['http://ui.example'] });
    try {
      for (const route of ['/reports/leaderboard', '/reports/leaderboard/view', '/reports/leaderboard?cachebuster=1']) {
        const fast = await fetch(`${app.url}${route}`);
        const framework = await fetch(`${app.url}${route}`, { headers: { Origin: 'http://ui.example' } });
        expect(fast.status).toBe(200);
        expect(framework.status).toBe(200);
        expect(framework.headers.get('access-control-allow-origin')).toBe('http://ui.example');
        for (const header of ['etag', 'cache-control', 'content-type', 'content-length']) {
          expect([route, header, fast.headers.get(header)]).toEqual([route, header, framework.headers.get(header)]);
        }
        expect(await fast.text()).toBe(await framework.text());
        const notModified = await fetch(`${app.url}${route}`, { headers: { 'If-None-Match': fast.headers.get('etag')! } });
        expect(notModified.status).toBe(304);
      }
      const body = await (await fetch(`${app.url}/reports/leaderboard`)).json();
      expect(body).toEqual([
        { created_at: '2026-01-01T00:00:00.000Z', model_id: 'm-1', score_recent: 0, score_steady: 1.5, score_anchor: null, rank: 1, model_name: 'one', cruncher_name: 'ann',
          username: 'ann', status: 'active', reward: null }, // the web app's column properties, after the seed's eight fields
      ]);
      // Other routes and methods still go through Nest.
      expect((await fetch(`${app.url}/reports/leaderboard`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${app.url}/reports/models`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
