import { ADMIN_HEADERS, READ_HEADERS, TEST_READ_SECRET } from '../support/api-keys';
import { describeEachEngine } from '../support/test-database';
import { ReportSeed } from '../report/support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from '../report/support/report-test-app';

/**
 * The rate limits over HTTP: one count per IP (or per key) across the Nest routes and the
 * leaderboard fast path. X-Forwarded-For (one trusted proxy) gives each case its own client.
 * The fast path answers without Express, so its answers carry no X-Powered-By.
 */
describeEachEngine('rate limits over HTTP', (db) => {
  const competition = demoCompetition();
  let t: ReportTestApp;
  let client = 0;
  /** A client of its own for each case. */
  const newClient = () => `203.0.113.${++client}`;
  const get = (path: string, ip: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers: { 'X-Forwarded-For': ip, ...headers } });

  beforeAll(async () => {
    const seed = new ReportSeed(db().dataSource, competition);
    await seed.competition();
    await seed.model({ id: 'm-1', name: 'one', cruncherName: 'ann' });
    await seed.leaderboard('2026-01-01T00:00:00.000Z', [{ rank: 1, model_id: 'm-1', model_name: 'one', cruncher_name: 'ann', score_recent: 1, score_steady: 1, score_anchor: 1 }]);
    t = await startReportApp(db().dataSource, { competition, env: { RATE_LIMIT_IP_PER_MINUTE: '3', RATE_LIMIT_KEY_PER_MINUTE: '2', TRUST_PROXY_HOPS: '1' } });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('counts the leaderboard fast path and the Nest routes against one limit per IP, and answers 429 with Retry-After from both', async () => {
    const ip = newClient();
    const fast = await get('/reports/leaderboard', ip);
    expect([fast.status, fast.headers.get('x-powered-by')]).toEqual([200, null]);
    expect((await get('/reports/models', ip)).status).toBe(200);
    expect((await get('/reports/leaderboard/view', ip)).status).toBe(200);

    const nest = await get('/reports/models', ip);
    const fastRefused = await get('/reports/leaderboard', ip);
    for (const refused of [nest, fastRefused]) {
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await refused.json()).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/^more than 3 requests a minute from this IP address; retry in \d+ s$/) });
    }
    expect(nest.headers.get('x-powered-by')).toBe('Express');
    expect(fastRefused.headers.get('x-powered-by')).toBeNull();

    // Another client is not affected.
    expect((await get('/reports/leaderboard', newClient())).status).toBe(200);
  });

  it('counts a request with a configured key against its key, wherever it comes from, and not against the IP', async () => {
    const ip = newClient();
    expect((await get('/reports/models', ip, READ_HEADERS)).status).toBe(200);
    // A keyed leaderboard request goes through Nest (its key is checked there).
    const keyed = await get('/reports/leaderboard', newClient(), { Authorization: `Bearer ${TEST_READ_SECRET}` });
    expect([keyed.status, keyed.headers.get('x-powered-by')]).toEqual([200, 'Express']);
    const refused = await get('/reports/models', newClient(), READ_HEADERS);
    expect(refused.status).toBe(429);
    expect((await refused.json()).message).toMatch(/^more than 2 requests a minute from this API key/);
    // The IP's own count was untouched by the keyed requests; the admin key has its own count.
    for (let i = 0; i < 3; i++) expect((await get('/reports/models', ip)).status).toBe(200);
    expect((await get('/reports/models', ip, ADMIN_HEADERS)).status).toBe(200);
  });

  it('counts a request with an unknown key against its IP, so guessing keys is limited too', async () => {
    const ip = newClient();
    const posts: number[] = [];
    for (let i = 0; i < 4; i++) {
      posts.push((await fetch(`${t.url}/leaderboard/columns/reset`, { method: 'POST', headers: { 'X-Forwarded-For': ip, 'X-API-Key': `guess-${i}` } })).status);
    }
    expect(posts).toEqual([401, 401, 401, 429]);
  });

  it('trusts X-Forwarded-For no further than TRUST_PROXY_HOPS: a forged leftmost entry does not make a new client', async () => {
    const ip = newClient();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get('/reports/models', `10.9.9.${i}, ${ip}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describeEachEngine('rate limits switched off', (db) => {
  it('admits any number of requests when both limits are 0', async () => {
    const competition = demoCompetition();
    await new ReportSeed(db().dataSource, competition).competition();
    const t = await startReportApp(db().dataSource, { competition, env: { RATE_LIMIT_IP_PER_MINUTE: '0', RATE_LIMIT_KEY_PER_MINUTE: '0' } });
    try {
      const statuses = new Set<number>();
      for (let i = 0; i < 40; i++) {
        statuses.add((await fetch(`${t.url}/reports/leaderboard`)).status);
        statuses.add((await fetch(`${t.url}/reports/models`, { headers: READ_HEADERS })).status);
      }
      expect([...statuses]).toEqual([200]);
    } finally {
      await t.close();
    }
  });
});
