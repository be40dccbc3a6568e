import { SwaggerModule, DocumentBuilder } from '@nestjs/swagger';
import { Subject } from 'rxjs';
import { VirtualClock } from '../../src/clock/clock';
import { LeaderboardResponseCache } from '../../src/report/leaderboard/leaderboard-response-cache';
import { describeEachEngine } from '../support/test-database';
import { ReportSeed } from './support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from './support/report-test-app';

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SEED_LEADERBOARD_FIELDS = ['created_at', 'model_id', 'score_recent', 'score_steady', 'score_anchor', 'rank', 'model_name', 'cruncher_name'];
const T0 = '2025-01-01T10:00:00.000Z';

async function get(t: ReportTestApp, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

function at(minutes: number, base = T0): string {
  return new Date(new Date(base).getTime() + minutes * 60_000).toISOString();
}

describeEachEngine('report API', (db) => {
  const competition = demoCompetition();
  const events = new Subject<void>();
  const clock = new VirtualClock(new Date('2025-01-01T12:00:00Z'));
  let t: ReportTestApp;
  let seed: ReportSeed;

  beforeAll(async () => {
    const ds = db().dataSource;
    seed = new ReportSeed(ds, competition);
    await seed.competition();
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('other', 'other', '{}'::jsonb)`);
    // Inserted out of id order: the API orders by model_id.
    await seed.model({ id: 'm-gamma', name: 'gamma', cruncherName: 'carol' });
    await seed.model({ id: 'm-alpha', name: 'alpha', cruncherName: 'alice' });
    await seed.model({ id: 'm-beta', name: 'beta <b>', cruncherName: 'bob' });
    await seed.model({ id: 'x-other', name: 'not ours', competitionId: 'other' });
    t = await startReportApp(ds, { competition, events, clock, corsOrigins: ['http://ui.example'] });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('GET /reports/leaderboard', () => {
    it('answers an empty array before the first leaderboard exists', async () => {
      const res = await get(t, '/reports/leaderboard');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    it('serves the newest leaderboard sorted by rank with the seed fields first, once a new leaderboard is announced', async () => {
      await seed.leaderboard(at(0), [{ rank: 1, model_id: 'm-beta', model_name: 'beta <b>', cruncher_name: 'bob', score_recent: 9, score_steady: 9, score_anchor: 9 }]);
      await seed.leaderboard(at(60), [
        { rank: 2, model_id: 'm-beta', model_name: 'beta <b>', cruncher_name: 'bob', cruncher_id: 'c-m-beta', score_recent: 0.2, score_steady: 0.1, score_anchor: 0.05, previous_rank: 1, last_status: 'TIMEOUT' },
        { rank: 1, model_id: 'm-alpha', model_name: 'alpha', cruncher_name: 'alice', score_recent: 0.3, score_steady: 0.25, score_anchor: 0, previous_rank: 2, last_status: 'SUCCESS',
          windows: { recent: { value: 0.3, count: 10, complete: true }, steady: { value: 0.25, count: 10, complete: true }, anchor: { value: 0, count: 10, complete: false } } },
        { model_id: 'broken-entry-without-rank' },
        { rank: null, model_id: 'm-zeta', model_name: 'zeta', cruncher_name: 'zed', score_recent: 0.9, score_steady: null, score_anchor: null, previous_rank: 1, left: true, last_status: 'ABSENT' },
        { rank: 3, model_id: 'm-gamma', model_name: 'gamma', cruncher_name: 'carol', score_recent: null, score_steady: null, score_anchor: null, previous_rank: null, last_status: null },
      ]);
      // Cached until the leaderboard module says a new one was stored.
      expect((await get(t, '/reports/leaderboard')).body).toEqual([]);
      events.next();

      const res = await get(t, '/reports/leaderboard');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.body.map((e: { model_id: string }) => e.model_id)).toEqual(['m-alpha', 'm-beta', 'm-gamma']);
      // The seed's eight fields, in its order; then the web app's column properties (username, status) and the cumulative reward.
      for (const entry of res.body) expect(Object.keys(entry)).toEqual([...SEED_LEADERBOARD_FIELDS, 'username', 'status', 'reward']);
      expect(res.body[0]).toEqual({
        created_at: at(60), model_id: 'm-alpha', score_recent: 0.3, score_steady: 0.25, score_anchor: 0, rank: 1, model_name: 'alpha', cruncher_name: 'alice',
        username: 'alice', status: 'active', reward: null,
      });
      expect(res.body[2]).toMatchObject({ score_recent: null, score_steady: null, score_anchor: null, rank: 3 });
      expect(res.body[0].created_at).toMatch(ISO_Z);
    });

    it('sends an ETag and answers 304 to If-None-Match with it', async () => {
      const first = await get(t, '/reports/leaderboard');
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"seed-.+"$/);
      const again = await get(t, '/reports/leaderboard', { 'If-None-Match': etag! });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      const weakList = await get(t, '/reports/leaderboard', { 'If-None-Match': `"nope", W/${etag}` });
      expect(weakList.status).toBe(304);
      const other = await get(t, '/reports/leaderboard', { 'If-None-Match': '"something-else"' });
      expect(other.status).toBe(200);
    });

    it('notices a leaderboard written by another process within the revalidation period, without an event', async () => {
      const before = await get(t, '/reports/leaderboard');
      await seed.leaderboard(at(61), [{ rank: 1, model_id: 'm-gamma', model_name: 'gamma', cruncher_name: 'carol', score_recent: 1, score_steady: 1, score_anchor: 1 }]);
      expect((await get(t, '/reports/leaderboard')).body).toEqual(before.body);
      await clock.advance(LeaderboardResponseCache.REVALIDATE_AFTER_MS + 1);
      await get(t, '/reports/leaderboard'); // starts the background re-check, still served from cache
      await waitFor(async () => (await get(t, '/reports/leaderboard')).body[0]?.model_id === 'm-gamma');
      const after = await get(t, '/reports/leaderboard', { 'If-None-Match': before.headers.get('etag')! });
      expect(after.status).toBe(200);
      expect(after.body).toHaveLength(1);
      // Back to the richer leaderboard for the tests below.
      await db().dataSource.query(`DELETE FROM leaderboards WHERE created_at = $1`, [at(61)]);
      events.next();
    });

    it('reads only the competition of this node', async () => {
      await seed.leaderboard(at(600), [{ rank: 1, model_id: 'x-other', model_name: 'x', cruncher_name: 'x' }], 'other');
      events.next();
      const res = await get(t, '/reports/leaderboard');
      expect(res.body.map((e: { model_id: string }) => e.model_id)).toEqual(['m-alpha', 'm-beta', 'm-gamma']);
    });
  });

  describe('GET /reports/leaderboard/view', () => {
    it('lists every window with its partial marker, trend and last status, completing from the newest snapshot when the entry says nothing', async () => {
      await seed.snapshot({ modelId: 'm-beta', at: at(59), windows: { recent: { value: 0.2, count: 4, complete: false }, anchor: { value: 0.05, count: 4, complete: false } } });
      events.next();
      const res = await get(t, '/reports/leaderboard/view');
      expect(res.status).toBe(200);
      expect(res.body.created_at).toBe(at(60));
      const [alpha, beta, gamma, zeta] = res.body.entries;
      expect(res.body.entries).toHaveLength(4);
      // Listed but unranked (it left): last, with a null rank; absent from the seed route.
      expect(zeta).toMatchObject({ rank: null, model_id: 'm-zeta', left: true, last_status: 'ABSENT', score_recent: 0.9 });
      expect(alpha).toMatchObject({ rank: 1, previous_rank: 2, model_id: 'm-alpha', left: false, last_status: 'SUCCESS' });
      expect(alpha.windows).toEqual([
        { name: 'recent', value: 0.3, count: 10, complete: true },
        { name: 'steady', value: 0.25, count: 10, complete: true },
        { name: 'anchor', value: 0, count: 10, complete: false },
      ]);
      expect(beta.windows.find((w: { name: string }) => w.name === 'anchor')).toEqual({ name: 'anchor', value: 0.05, count: 4, complete: false });
      expect(beta.last_status).toBe('TIMEOUT');
      expect(gamma.windows.every((w: { value: unknown; complete: unknown }) => w.value === null && w.complete === null)).toBe(true);
    });
  });

  describe('GET /reports/models', () => {
    it('lists the competition models ordered by model_id with exactly the seed fields, all strings', async () => {
      const res = await get(t, '/reports/models');
      expect(res.status).toBe(200);
      expect(res.body.map((m: { model_id: string }) => m.model_id)).toEqual(['m-alpha', 'm-beta', 'm-gamma']);
      for (const m of res.body) {
        expect(Object.keys(m).sort()).toEqual(['cruncher_id', 'cruncher_name', 'deployment_id', 'model_id', 'model_name']);
        for (const v of Object.values(m)) expect(typeof v).toBe('string');
      }
      expect(res.body[1]).toEqual({ model_id: 'm-beta', model_name: 'beta <b>', cruncher_name: 'bob', cruncher_id: 'c-m-beta', deployment_id: 'd-m-beta' });
      expect(res.headers.get('x-has-more')).toBe('false');
    });

    it('pages with limit and offset, announcing the next offset', async () => {
      const first = await get(t, '/reports/models?limit=2');
      expect(first.body.map((m: { model_id: string }) => m.model_id)).toEqual(['m-alpha', 'm-beta']);
      expect(first.headers.get('x-has-more')).toBe('true');
      expect(first.headers.get('x-next-offset')).toBe('2');
      const second = await get(t, '/reports/models?limit=2&offset=2');
      expect(second.body.map((m: { model_id: string }) => m.model_id)).toEqual(['m-gamma']);
    });

    it('rejects limits outside 1..10000 naming the parameter', async () => {
      for (const limit of ['0', '10001', 'abc', '1.5', '-3']) {
        const res = await get(t, `/reports/models?limit=${limit}`);
        expect(res.status).toBe(400);
        expect(res.body.message).toContain('limit');
        expect(res.body.parameters).toEqual(['limit']);
      }
    });

    it('ignores unknown query parameters', async () => {
      const res = await get(t, '/reports/models?_=123&foo=bar');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(3);
    });

    it('lets the configured origin read it (CORS) with the paging headers exposed', async () => {
      const res = await get(t, '/reports/models', { Origin: 'http://ui.example' });
      expect(res.headers.get('access-control-allow-origin')).toBe('http://ui.example');
      expect(res.headers.get('access-control-expose-headers')).toContain('X-Next-Offset');
      const foreign = await get(t, '/reports/models', { Origin: 'http://evil.example' });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('GET /reports/models/global', () => {
    beforeAll(async () => {
      // Inserted out of time order: the seed returned them unordered, the API must not.
      await seed.snapshot({ modelId: 'm-alpha', at: at(30), recent: 0.3, steady: 0.2, anchor: 0.1 });
      await seed.snapshot({ modelId: 'm-alpha', at: at(0), recent: 0.1, steady: null, anchor: null });
      await seed.snapshot({ modelId: 'm-gamma', at: at(15), recent: 0, steady: 0, anchor: 0 });
      await seed.snapshot({
        modelId: 'm-alpha', at: at(45), recent: 0.4, steady: 0.3, anchor: 0.2,
        params: [
          { param: 'BTC-120-30', asset: 'BTC', horizon: 120, step: 30, windows: { recent: { value: 0.5, count: 3, complete: true }, steady: { value: 0.4, count: 3, complete: true }, anchor: { value: 0.3, count: 3, complete: false } } },
          { param: 'ETH-300-60', asset: 'ETH', horizon: 300, step: 60, windows: { recent: { value: 0.25, count: 1, complete: false } } },
          'garbage',
        ],
      });
    });

    it('returns snapshots in [start, end] ordered by time, inclusive bounds, Z timestamps, exact fields', async () => {
      const res = await get(t, `/reports/models/global?projectIds=m-alpha&start=${at(0)}&end=${at(30)}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { model_id: 'm-alpha', score_recent: 0.1, score_steady: null, score_anchor: null, performed_at: at(0) },
        { model_id: 'm-alpha', score_recent: 0.3, score_steady: 0.2, score_anchor: 0.1, performed_at: at(30) },
      ]);
      for (const row of res.body) expect(Object.keys(row)).toEqual(['model_id', 'score_recent', 'score_steady', 'score_anchor', 'performed_at']);
    });

    it('accepts projectIds repeated, comma-separated, or both', async () => {
      const range = `start=${at(-60)}&end=${at(120)}`;
      const repeated = await get(t, `/reports/models/global?projectIds=m-alpha&projectIds=m-gamma&${range}`);
      const comma = await get(t, `/reports/models/global?projectIds=m-alpha,m-gamma&${range}`);
      const both = await get(t, `/reports/models/global?projectIds=m-alpha,m-gamma&projectIds=m-gamma&${range}`);
      expect(repeated.body.map((r: { performed_at: string }) => r.performed_at)).toEqual([at(0), at(15), at(30), at(45)]);
      expect(comma.body).toEqual(repeated.body);
      expect(both.body).toEqual(repeated.body);
    });

    it('reads datetimes without zone as UTC and with offsets as the instant they name', async () => {
      const naive = await get(t, `/reports/models/global?projectIds=m-alpha&start=2025-01-01T10:00:00&end=2025-01-01T10:00:00`);
      expect(naive.body.map((r: { performed_at: string }) => r.performed_at)).toEqual([at(0)]);
      const offset = await get(t, `/reports/models/global?projectIds=m-alpha&start=${encodeURIComponent('2025-01-01T11:30:00+01:00')}&end=${encodeURIComponent('2025-01-01T11:30:00+01:00')}`);
      expect(offset.body.map((r: { performed_at: string }) => r.performed_at)).toEqual([at(30)]);
    });

    it('pages with limit and offset in time order', async () => {
      const range = `projectIds=m-alpha,m-gamma&start=${at(-60)}&end=${at(120)}`;
      const first = await get(t, `/reports/models/global?${range}&limit=3`);
      expect(first.headers.get('x-next-offset')).toBe('3');
      const rest = await get(t, `/reports/models/global?${range}&limit=3&offset=3`);
      expect([...first.body, ...rest.body].map((r: { performed_at: string }) => r.performed_at)).toEqual([at(0), at(15), at(30), at(45)]);
      expect(rest.headers.get('x-has-more')).toBe('false');
    });

    it.each([
      ['', 'projectIds'],
      [`projectIds=m-alpha&end=${T0}`, 'start'],
      [`projectIds=m-alpha&start=${T0}`, 'end'],
      [`start=${T0}&end=${T0}`, 'projectIds'],
      [`projectIds=&start=${T0}&end=${T0}`, 'projectIds'],
      [`projectIds=m-alpha&start=yesterday&end=${T0}`, 'start'],
      [`projectIds=m-alpha&start=${T0}&end=2025-02-30T00:00:00Z`, 'end'],
      [`projectIds=m-alpha&start=${T0}&end=2025-01-01T25:00:00Z`, 'end'],
      [`projectIds=m-alpha&start=${at(10)}&end=${at(0)}`, 'start'],
      [`projectIds=m-alpha&start=${T0}&start=${T0}&end=${T0}`, 'start'],
      [`projectIds=m-alpha&start=${T0}&end=${T0}&limit=10001`, 'limit'],
    ])('answers 400 naming the parameter for %s', async (query, parameter) => {
      const res = await get(t, `/reports/models/global?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.parameters).toContain(parameter);
      expect(res.body.message).toContain(parameter);
    });
  });

  describe('GET /reports/models/params', () => {
    it('returns one row per snapshot and parameter set, in time then stored order, skipping elements that name no parameter set', async () => {
      const res = await get(t, `/reports/models/params?projectIds=m-alpha&start=${at(0)}&end=${at(60)}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { model_id: 'm-alpha', param: 'BTC-120-30', asset: 'BTC', horizon: 120, step: 30, score_recent: 0.5, score_steady: 0.4, score_anchor: 0.3, performed_at: at(45) },
        { model_id: 'm-alpha', param: 'ETH-300-60', asset: 'ETH', horizon: 300, step: 60, score_recent: 0.25, score_steady: null, score_anchor: null, performed_at: at(45) },
      ]);
      for (const row of res.body) expect(Object.keys(row)).toEqual(['model_id', 'param', 'asset', 'horizon', 'step', 'score_recent', 'score_steady', 'score_anchor', 'performed_at']);
    });

    it('answers 400 for a missing start', async () => {
      const res = await get(t, `/reports/models/params?projectIds=m-alpha&end=${T0}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('start');
    });
  });

  describe('GET /reports/predictions', () => {
    const ids: string[] = [];
    beforeAll(async () => {
      // Ten scored predictions, two of them at the same instant with microseconds (keyset tie).
      for (let i = 0; i < 8; i++) {
        ids.push(await seed.prediction({ modelId: 'm-alpha', performedAt: at(i), score: i / 10, scoreSuccess: true, scoredAt: at(i + 5), execTimeUs: 1000 * (i + 1) }));
      }
      const tie = '2025-01-01T10:20:00.123456Z';
      ids.push(await seed.prediction({ modelId: 'm-alpha', performedAt: tie, asset: 'ETH', horizon: 300, step: 60, score: 0.01, scoreSuccess: true, scoredAt: at(30) }));
      ids.push(await seed.prediction({
        modelId: 'm-alpha', performedAt: tie, score: -1, scoreSuccess: false, scoredAt: at(30), status: 'FAILED', failureReason: 'bad output',
        scoreFailedReason: 'Traceback (most recent call last):\n  File "x.py", line 1\nValueError: secret detail',
      }));
      await seed.prediction({ modelId: 'm-alpha', performedAt: at(25), status: 'TIMEOUT' }); // not scored yet: not listed
      await seed.prediction({ modelId: 'm-beta', performedAt: at(1), score: 1, scoreSuccess: true, scoredAt: at(6), status: 'ABSENT' });
    });

    const range = `start=${at(-10)}&end=${at(60)}`;

    it('serves several models at once, comma-joined as the web app sends them, newest first', async () => {
      const res = await get(t, `/reports/predictions?projectIds=m-alpha,m-beta&${range}`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(11);
      expect(new Set(res.body.map((r: { model_id: string }) => r.model_id))).toEqual(new Set(['m-alpha', 'm-beta']));
      const times = res.body.map((r: { performed_at: string }) => r.performed_at);
      expect([...times].sort().reverse()).toEqual(times);
      const paged = await get(t, `/reports/predictions?projectIds=m-alpha,m-beta&${range}&limit=6`);
      const rest = await get(t, `/reports/predictions?projectIds=m-alpha,m-beta&${range}&limit=6&cursor=${paged.headers.get('x-next-cursor')}`);
      expect([...paged.body, ...rest.body]).toEqual(res.body);
    });

    it('lists scored predictions newest first with the seed fields, a short failure reason and Z timestamps', async () => {
      const res = await get(t, `/reports/predictions?projectIds=m-alpha&${range}`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(10);
      for (const row of res.body) {
        // The seed's fields in its order, with the web app's score_success beside score_failed.
        expect(Object.keys(row)).toEqual(['model_id', 'param', 'asset', 'horizon', 'step', 'score_value', 'score_failed', 'score_success', 'score_failed_reason', 'scored_at', 'performed_at']);
        expect(row.score_success).toBe(!row.score_failed);
        expect(row.scored_at).toMatch(ISO_Z);
        expect(row.performed_at).toMatch(ISO_Z);
      }
      const times = res.body.map((r: { performed_at: string }) => r.performed_at);
      expect([...times].sort().reverse()).toEqual(times);
      const failed = res.body.find((r: { score_failed: boolean }) => r.score_failed);
      expect(failed).toMatchObject({ param: 'BTC-120-30', score_value: -1, score_failed_reason: 'Traceback (most recent call last):' });
      expect(res.body.find((r: { asset: string }) => r.asset === 'ETH')).toMatchObject({ param: 'ETH-300-60', horizon: 300, step: 60, score_failed: false, score_failed_reason: null });
    });

    it('pages with the cursor through every row exactly once, ties included', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(t, `/reports/predictions?projectIds=m-alpha&${range}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.map((r: { performed_at: string; score_value: number }) => `${r.performed_at}/${r.score_value}`));
        cursor = res.headers.get('x-next-cursor');
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(4);
      expect(new Set(seen).size).toBe(10);
      const all = await get(t, `/reports/predictions?projectIds=m-alpha&${range}`);
      expect(seen).toEqual(all.body.map((r: { performed_at: string; score_value: number }) => `${r.performed_at}/${r.score_value}`));
    });

    it('pages with offset too', async () => {
      const all = await get(t, `/reports/predictions?projectIds=m-alpha&${range}`);
      const page = await get(t, `/reports/predictions?projectIds=m-alpha&${range}&limit=4&offset=4`);
      expect(page.body).toEqual(all.body.slice(4, 8));
      expect(page.headers.get('x-next-offset')).toBe('8');
    });

    it('rejects a forged cursor and a limit above the maximum', async () => {
      const forged = await get(t, `/reports/predictions?projectIds=m-alpha&${range}&cursor=${Buffer.from("x' OR 1=1 --").toString('base64url')}`);
      expect(forged.status).toBe(400);
      expect(forged.body.parameters).toEqual(['cursor']);
      const huge = await get(t, `/reports/predictions?projectIds=m-alpha&${range}&limit=5001`);
      expect(huge.status).toBe(400);
      expect(huge.body.parameters).toEqual(['limit']);
    });
  });

  describe('GET /reports/snapshots', () => {
    it('lists snapshots oldest first with windows and params, paged by cursor', async () => {
      const all = await get(t, `/reports/snapshots?model_id=m-alpha`);
      expect(all.status).toBe(200);
      const times = all.body.map((s: { performed_at: string }) => s.performed_at);
      expect(times).toEqual([at(0), at(30), at(45)]);
      expect(all.body[2].params.map((p: { param: string }) => p.param)).toEqual(['BTC-120-30', 'ETH-300-60']);
      const first = await get(t, `/reports/snapshots?model_id=m-alpha&limit=2`);
      const next = await get(t, `/reports/snapshots?model_id=m-alpha&limit=2&cursor=${first.headers.get('x-next-cursor')}`);
      expect([...first.body, ...next.body]).toEqual(all.body);
      expect(next.headers.get('x-has-more')).toBe('false');
    });

    it('filters on since/until inclusively and rejects a reversed range', async () => {
      const res = await get(t, `/reports/snapshots?since=${at(15)}&until=${at(30)}`);
      expect(res.body.map((s: { model_id: string; performed_at: string }) => `${s.model_id}@${s.performed_at}`)).toEqual([`m-gamma@${at(15)}`, `m-alpha@${at(30)}`]);
      const bad = await get(t, `/reports/snapshots?since=${at(30)}&until=${at(15)}`);
      expect(bad.status).toBe(400);
      expect(bad.body.parameters).toEqual(['since']);
    });
  });

  describe('GET /reports/models/health', () => {
    it('counts statuses and execution times per model over the period', async () => {
      const res = await get(t, `/reports/models/health?since=${at(-10)}&until=${at(60)}`);
      expect(res.status).toBe(200);
      expect(res.body.map((r: { model_id: string }) => r.model_id)).toEqual(['m-alpha', 'm-beta', 'm-gamma']);
      const [alpha, beta, gamma] = res.body;
      expect(alpha.counts).toEqual({ SUCCESS: 9, FAILED: 1, TIMEOUT: 1, ABSENT: 0 });
      expect(alpha.total).toBe(11);
      expect(alpha.exec_time.max_ms).toBe(8);
      expect(alpha.exec_time.p50_ms).toBe(4.5);
      expect(alpha.last_status).toBe('TIMEOUT');
      expect(alpha.last_failure_reason).toBe('bad output');
      expect(beta.counts).toEqual({ SUCCESS: 0, FAILED: 0, TIMEOUT: 0, ABSENT: 1 });
      expect(gamma).toMatchObject({ total: 0, success_rate: null, last_status: null, exec_time: { avg_ms: null, p50_ms: null, p95_ms: null, max_ms: null } });
      expect(gamma.since).toBe(at(-10));
    });

    it('defaults to the 24 hours before the clock', async () => {
      const res = await get(t, `/reports/models/health`);
      expect(res.body[0].until).toBe(clock.now().toISOString());
      expect(new Date(res.body[0].until).getTime() - new Date(res.body[0].since).getTime()).toBe(24 * 3600_000);
    });
  });

  describe('GET /reports/feeds and /reports/feeds/tail', () => {
    beforeAll(async () => {
      for (let i = 0; i < 25; i++) await seed.feedRecord({ subject: 'BTC', ts: at(i), values: { price: 100 + i }, receivedAt: at(i + 0.5) });
      await seed.feedRecord({ subject: 'ETH', ts: at(3), values: { price: 5 } });
    });

    it('summarizes each stored series with counts and freshness', async () => {
      const res = await get(t, '/reports/feeds');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        // watermark_ts: the newest record (event time), as the web app reads it; watermark_updated_at: its arrival.
        { source: 'synthetic', subject: 'BTC', kind: 'price', granularity: '5s', record_count: 25, oldest_ts: at(0), newest_ts: at(24), watermark_ts: at(24), watermark_updated_at: at(24.5) },
        { source: 'synthetic', subject: 'ETH', kind: 'price', granularity: '5s', record_count: 1, oldest_ts: at(3), newest_ts: at(3), watermark_ts: at(3), watermark_updated_at: at(3) },
      ]);
    });

    it('returns the newest records oldest first, 20 by default, up to the limit', async () => {
      const res = await get(t, '/reports/feeds/tail?source=synthetic&subject=BTC&kind=price&granularity=5s');
      expect(res.body).toHaveLength(20);
      expect(res.body[0]).toEqual({
        source: 'synthetic', subject: 'BTC', kind: 'price', granularity: '5s', ts_event: at(5), ts_ingested: at(5.5), values: { price: 105 }, meta: {},
        ts: at(5), received_at: at(5.5), // earlier names, kept as aliases
      });
      expect(res.body[19].ts).toBe(at(24));
      const three = await get(t, '/reports/feeds/tail?subject=BTC&limit=3');
      expect(three.body.map((r: { ts: string }) => r.ts)).toEqual([at(22), at(23), at(24)]);
      for (const limit of ['0', '201']) expect((await get(t, `/reports/feeds/tail?limit=${limit}`)).status).toBe(400);
    });
  });

  describe('GET /info and /reports/schema', () => {
    it('describes the competition, says the feed is synthetic, and hides feed options', async () => {
      const res = await get(t, '/info');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: competition.id, name: competition.name, feed: { adapter: 'synthetic', synthetic: true, subjects: ['BTC', 'ETH', 'SOL', 'XAU'] } });
      expect(res.body.scoring.windows).toEqual([{ name: 'recent', seconds: 600 }, { name: 'steady', seconds: 1800 }, { name: 'anchor', seconds: 3600 }]);
      expect(res.body.predictions).toHaveLength(competition.predictions.length);
      expect(res.text).not.toContain('startPrices');
    });

    it("lists the web app's columns (one per window, direction and ranking in the tooltip) and its chart widgets", async () => {
      const res = await get(t, '/reports/schema');
      expect(res.body.schema_version).toBe('1');
      expect(res.body.leaderboard_columns.map((c: { property: string }) => c.property)).toEqual(['username', 'model_id', 'score_recent', 'score_steady', 'score_anchor']);
      const anchor = res.body.leaderboard_columns.find((c: { property: string }) => c.property === 'score_anchor');
      expect(anchor).toEqual({
        id: 5, type: 'VALUE', property: 'score_anchor', format: 'decimal-4', displayName: 'Anchor (1h)',
        tooltip: 'Mean density-pdf score over the last 1h; higher is better; the leaderboard is ranked by it.', nativeConfiguration: null, order: 30,
      });
      expect(res.body.leaderboard_columns[1]).toMatchObject({ type: 'PROJECT', nativeConfiguration: { type: 'model', statusProperty: 'status' } });
      expect(res.body.metrics_widgets.map((w: { id: number; endpointUrl: string }) => `${w.id} ${w.endpointUrl}`)).toEqual(['1 /reports/models/global', '2 /reports/models/params', '3 /reports/predictions']);
      expect(res.body.metrics_widgets[2].nativeConfiguration).toMatchObject({ alertConfig: { field: 'score_success', reasonField: 'score_failed_reason' }, groupByProperty: 'param' });
    });
  });

  describe('OpenAPI', () => {
    it('documents every report route with a 200 response schema and its query parameters', () => {
      const doc = SwaggerModule.createDocument(t.app, new DocumentBuilder().setTitle('t').build());
      const routes = ['/reports/models', '/reports/leaderboard', '/reports/leaderboard/view', '/reports/models/global', '/reports/models/params', '/reports/predictions',
        '/reports/models/health', '/reports/snapshots', '/reports/feeds', '/reports/feeds/tail', '/reports/schema', '/info', '/leaderboard/columns', '/metrics/widgets'];
      for (const route of routes) {
        const op = doc.paths[route]?.get;
        expect([route, op?.responses?.['200']]).toEqual([route, expect.objectContaining({ content: expect.anything() })]);
      }
      // The editing routes document their bodies and answers.
      for (const [route, method] of [['/leaderboard/columns', 'post'], ['/leaderboard/columns', 'put'], ['/leaderboard/columns/{id}', 'put'], ['/leaderboard/columns/{id}', 'delete'],
        ['/leaderboard/columns/reset', 'post'], ['/metrics/widgets', 'post'], ['/metrics/widgets/{id}', 'put'], ['/metrics/widgets/{id}', 'delete'], ['/metrics/widgets/reset', 'post']] as const) {
        const op = doc.paths[route]?.[method];
        const answer = op?.responses?.['200'] ?? op?.responses?.['201'];
        expect([route, method, answer]).toEqual([route, method, expect.objectContaining({ content: expect.anything() })]);
        if (method === 'post' && !route.endsWith('reset')) expect(op?.requestBody).toBeDefined();
      }
      expect(Object.keys(doc.components?.schemas ?? {})).toEqual(expect.arrayContaining(['LeaderboardColumnDto', 'MetricsWidgetDto', 'ReportSchemaDto', 'BodyBadRequestDto']));
      const params = doc.paths['/reports/predictions'].get!.parameters!.map((p) => ('name' in p ? p.name : ''));
      expect(params).toEqual(expect.arrayContaining(['projectIds', 'start', 'end', 'limit', 'cursor', 'offset']));
      expect(doc.paths['/']).toBeUndefined();
    });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met in time');
}
