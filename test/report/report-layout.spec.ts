import { Subject } from 'rxjs';
import { ADMIN_HEADERS, READ_HEADERS } from '../support/api-keys';
import { describeEachEngine } from '../support/test-database';
import { ReportSeed } from './support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from './support/report-test-app';

/** Edits are sent with the admin key (they need one); reads without a key, as the web app does. */
async function call(t: ReportTestApp, method: string, path: string, body?: unknown, keyHeaders: Record<string, string> = method === 'GET' ? {} : ADMIN_HEADERS) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...keyHeaders, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const REWARD_COLUMN = { type: 'VALUE', property: 'reward_pct', format: 'percentage', displayName: 'Reward', tooltip: null, nativeConfiguration: null, order: 50 };
const IFRAME_WIDGET = { type: 'IFRAME', displayName: 'Infrastructure', order: 90, endpointUrl: 'https://grafana.example/d/abc' };

describeEachEngine('report layout editing routes', (db) => {
  const competition = demoCompetition();
  const events = new Subject<void>();
  let t: ReportTestApp;

  beforeAll(async () => {
    const seed = new ReportSeed(db().dataSource, competition);
    await seed.competition();
    await seed.leaderboard('2025-01-01T10:00:00.000Z', [{ rank: 1, model_id: 'm-1', model_name: 'one', cruncher_name: 'ann', score_recent: 1, score_steady: 1, score_anchor: 1 }]);
    t = await startReportApp(db().dataSource, { competition, events });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  afterEach(async () => {
    await call(t, 'POST', '/leaderboard/columns/reset');
    await call(t, 'POST', '/metrics/widgets/reset');
  });

  it('serves the columns derived from the competition until they are edited, the same as /reports/schema', async () => {
    const columns = await call(t, 'GET', '/leaderboard/columns');
    expect(columns.status).toBe(200);
    expect(columns.body.map((c: { id: number; property: string }) => `${c.id}:${c.property}`)).toEqual(['1:username', '2:model_id', '3:score_recent', '4:score_steady', '5:score_anchor']);
    expect((await call(t, 'GET', '/reports/schema')).body.leaderboard_columns).toEqual(columns.body);
  });

  it('adds a column with the next id, stores it with the competition, and every leaderboard row then carries its property', async () => {
    const added = await call(t, 'POST', '/leaderboard/columns', REWARD_COLUMN);
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ ...REWARD_COLUMN, id: 6 });
    const [row] = await db().dataSource.query(`SELECT items FROM report_layouts WHERE competition_id = $1 AND kind = 'leaderboard_columns'`, [competition.id]);
    expect(row.items).toHaveLength(6);
    const schema = await call(t, 'GET', '/reports/schema');
    expect(schema.body.leaderboard_columns.map((c: { property: string }) => c.property)).toContain('reward_pct');
    const board = await call(t, 'GET', '/reports/leaderboard');
    expect(board.body[0]).toMatchObject({ model_id: 'm-1', username: 'ann', status: 'active', reward_pct: null });
  });

  it('updates and removes one column by id, answering 404 for an unknown id', async () => {
    const updated = await call(t, 'PUT', '/leaderboard/columns/5', { type: 'VALUE', property: 'score_anchor', format: 'decimal-2', displayName: 'Anchor', tooltip: 'ranked', nativeConfiguration: null, order: 5 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: 5, displayName: 'Anchor', format: 'decimal-2' });
    const list = (await call(t, 'GET', '/leaderboard/columns')).body;
    expect(list.map((c: { id: number }) => c.id)).toEqual([1, 2, 5, 3, 4]); // by order
    expect((await call(t, 'DELETE', '/leaderboard/columns/1')).body).toEqual({ success: true });
    expect((await call(t, 'GET', '/leaderboard/columns')).body.map((c: { id: number }) => c.id)).toEqual([2, 5, 3, 4]);
    const missing = await call(t, 'DELETE', '/leaderboard/columns/99');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('no leaderboard column with id 99');
    expect((await call(t, 'PUT', '/leaderboard/columns/99', REWARD_COLUMN)).status).toBe(404);
  });

  it('replaces the whole list, and reset serves the derived columns again', async () => {
    const saved = await call(t, 'PUT', '/leaderboard/columns', [{ ...REWARD_COLUMN, id: 7 }, { id: 2, type: 'PROJECT', property: 'model_id', format: null, displayName: 'Model', tooltip: null, nativeConfiguration: { type: 'model', statusProperty: 'status' }, order: 0 }]);
    expect(saved).toEqual({ status: 200, body: { success: true } });
    expect((await call(t, 'GET', '/leaderboard/columns')).body.map((c: { id: number }) => c.id)).toEqual([2, 7]);
    expect((await call(t, 'POST', '/leaderboard/columns/reset')).body).toEqual({ success: true });
    expect((await call(t, 'GET', '/leaderboard/columns')).body).toHaveLength(5);
  });

  it('keeps both of two concurrent additions', async () => {
    const [a, b] = await Promise.all([
      call(t, 'POST', '/leaderboard/columns', { ...REWARD_COLUMN, property: 'a' }),
      call(t, 'POST', '/leaderboard/columns', { ...REWARD_COLUMN, property: 'b' }),
    ]);
    expect([a.body.id, b.body.id].sort()).toEqual([6, 7]);
    expect((await call(t, 'GET', '/leaderboard/columns')).body.map((c: { property: string }) => c.property)).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it.each([
    [{ ...REWARD_COLUMN, format: 'decimal' }, 'format'],
    [{ ...REWARD_COLUMN, displayName: '' }, 'displayName'],
    [{ ...REWARD_COLUMN, property: '1; DROP TABLE models' }, 'property'],
    [{ ...REWARD_COLUMN, type: 'SCORE' }, 'type'],
    [{ ...REWARD_COLUMN, order: 1.5 }, 'order'],
    [{ ...REWARD_COLUMN, nativeConfiguration: { type: 'gauge', percentage: 'yes' } }, 'nativeConfiguration'],
    ['[1, 2]', '(body)'],
  ])('answers 400 naming the field for a bad column %#', async (body, field) => {
    const res = await call(t, 'POST', '/leaderboard/columns', body);
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([field]);
    expect(res.body.message).toContain(`Invalid field ${field}`);
  });

  it('answers 400 naming the item of a bad list and a bad id, and stores nothing', async () => {
    const dup = await call(t, 'PUT', '/leaderboard/columns', [{ ...REWARD_COLUMN, id: 3 }, { ...REWARD_COLUMN, id: 3, property: 'x' }]);
    expect(dup.status).toBe(400);
    expect(dup.body.fields).toEqual(['[1].id']);
    const bad = await call(t, 'PUT', '/leaderboard/columns', [{ ...REWARD_COLUMN, id: 3 }, { ...REWARD_COLUMN }]);
    expect(bad.body.fields).toEqual(['[1].id']);
    expect((await call(t, 'PUT', '/leaderboard/columns', { not: 'a list' })).body.fields).toEqual(['(body)']);
    expect((await call(t, 'DELETE', '/leaderboard/columns/abc')).body.fields).toEqual(['id']);
    expect((await call(t, 'POST', '/leaderboard/columns', '{"type":')).status).toBe(400);
    expect(await db().dataSource.query(`SELECT 1 FROM report_layouts`)).toEqual([]);
  });

  it('edits widgets the same way: add with an id, update, remove, replace, reset', async () => {
    const derived = (await call(t, 'GET', '/metrics/widgets')).body;
    expect(derived.map((w: { endpointUrl: string }) => w.endpointUrl)).toEqual(['/reports/models/global', '/reports/models/params', '/reports/predictions']);
    const added = await call(t, 'POST', '/metrics/widgets', IFRAME_WIDGET);
    expect(added.body).toEqual({ ...IFRAME_WIDGET, id: 4 });
    const chart = { ...derived[0], displayName: 'Scores', order: 100 };
    delete chart.id;
    expect((await call(t, 'PUT', '/metrics/widgets/1', chart)).body).toMatchObject({ id: 1, displayName: 'Scores' });
    expect((await call(t, 'GET', '/reports/schema')).body.metrics_widgets.map((w: { id: number }) => w.id)).toEqual([2, 3, 4, 1]);
    expect((await call(t, 'DELETE', '/metrics/widgets/4')).body).toEqual({ success: true });
    expect((await call(t, 'DELETE', '/metrics/widgets/4')).status).toBe(404);
    expect((await call(t, 'PUT', '/metrics/widgets', [derived[2]])).body).toEqual({ success: true });
    expect((await call(t, 'GET', '/metrics/widgets')).body).toEqual([derived[2]]);
    await call(t, 'POST', '/metrics/widgets/reset');
    expect((await call(t, 'GET', '/metrics/widgets')).body).toEqual(derived);
  });

  it.each([
    [{ ...IFRAME_WIDGET, type: 'CHART' }, 'nativeConfiguration'],
    [{ ...IFRAME_WIDGET, type: 'CHART', nativeConfiguration: { type: 'line', xAxis: { name: 'performed_at' }, yAxis: { series: [] } } }, 'nativeConfiguration'],
    [{ ...IFRAME_WIDGET, endpointUrl: 'javascript:alert(1)' }, 'endpointUrl'],
    [{ ...IFRAME_WIDGET, order: 'first' }, 'order'],
  ])('answers 400 naming the field for a bad widget %#', async (body, field) => {
    const res = await call(t, 'POST', '/metrics/widgets', body);
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual([field]);
  });

  it.each([
    ['POST', '/leaderboard/columns', REWARD_COLUMN],
    ['PUT', '/leaderboard/columns', []],
    ['POST', '/leaderboard/columns/reset', undefined],
    ['PUT', '/leaderboard/columns/1', REWARD_COLUMN],
    ['DELETE', '/leaderboard/columns/1', undefined],
    ['POST', '/metrics/widgets', IFRAME_WIDGET],
    ['PUT', '/metrics/widgets', []],
    ['POST', '/metrics/widgets/reset', undefined],
    ['PUT', '/metrics/widgets/1', IFRAME_WIDGET],
    ['DELETE', '/metrics/widgets/1', undefined],
  ])('refuses %s %s without an admin key (401 without one, 403 with a read key) and leaves the layout as it was', async (method, path, body) => {
    const before = [(await call(t, 'GET', '/leaderboard/columns')).body, (await call(t, 'GET', '/metrics/widgets')).body];
    const anonymous = await call(t, method, path, body, {});
    expect([anonymous.status, anonymous.body.error]).toEqual([401, 'Unauthorized']);
    const reader = await call(t, method, path, body, READ_HEADERS);
    expect([reader.status, reader.body.error]).toEqual([403, 'Forbidden']);
    expect(reader.body.message).toContain('admin');
    expect([(await call(t, 'GET', '/leaderboard/columns')).body, (await call(t, 'GET', '/metrics/widgets')).body]).toEqual(before);
  });

  it('drops a stored item that no longer validates instead of serving it', async () => {
    await db().dataSource.query(`INSERT INTO report_layouts (competition_id, kind, items) VALUES ($1, 'metrics_widgets', $2::jsonb)`, [
      competition.id,
      JSON.stringify([{ ...IFRAME_WIDGET, id: 1 }, { id: 'two', type: 'CHART' }]),
    ]);
    expect((await call(t, 'GET', '/metrics/widgets')).body).toEqual([{ ...IFRAME_WIDGET, id: 1 }]);
  });
});
