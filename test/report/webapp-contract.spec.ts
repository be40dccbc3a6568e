import { describeEachEngine } from '../support/test-database';
import { JsonSchema, schemaErrors } from './support/json-schema';
import { ReportSeed } from './support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from './support/report-test-app';
import { CHART_ROWS, FEED_TAIL, FEEDS, LEADERBOARD_COLUMN, MODELS, REPORT_SCHEMA, WIDGET } from './support/webapp-schemas';
import { ADMIN_HEADERS } from '../support/api-keys';

/**
 * The ecosystem's coordinator web app against a live report API: every response it reads is
 * validated against JSON schemas written from the app's own types, and requested the way the app
 * requests it (chart data: every model comma-joined, a 30-day window, body only).
 *
 * By default against the report module over seeded data, on each engine. With
 * WEBAPP_CONTRACT_URL=http://host:port, the same read checks run against that running node (a
 * demo started with `npm start`); they change nothing there.
 */
const LIVE_URL = process.env.WEBAPP_CONTRACT_URL?.replace(/\/$/, '');

/** The checks that only read, against any node with a leaderboard, models, scored predictions and feeds. */
function readChecks(base: () => string, modelIds: () => Promise<string[]>): void {
  async function read(path: string, schema: JsonSchema): Promise<any> {
    const res = await fetch(`${base()}${path}`);
    expect([path, res.status]).toEqual([path, 200]);
    const body = await res.json();
    expect([path, schemaErrors(body, schema)]).toEqual([path, []]);
    return body;
  }

  it('serves /reports/schema in the app\'s shape, with unique column properties and widget ids', async () => {
    const schema = await read('/reports/schema', REPORT_SCHEMA);
    const properties = schema.leaderboard_columns.map((c: { property: string }) => c.property);
    expect(new Set(properties).size).toBe(properties.length);
    const ids = schema.metrics_widgets.map((w: { id: number }) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(schema.metrics_widgets.filter((w: { type: string }) => w.type === 'CHART').length).toBeGreaterThan(0);
  });

  it('gives every leaderboard row every column\'s property', async () => {
    const { leaderboard_columns: columns } = await read('/reports/schema', REPORT_SCHEMA);
    const rows = await read('/reports/leaderboard', { type: 'array', minItems: 1, items: { type: 'object', required: ['model_id', 'model_name', 'rank'] } });
    for (const column of columns) {
      for (const row of rows) expect([column.property, row[column.property] !== undefined]).toEqual([column.property, true]);
    }
  });

  it('answers every CHART widget for all models at once over 30 days with rows carrying the fields its configuration names', async () => {
    const { metrics_widgets: widgets } = await read('/reports/schema', REPORT_SCHEMA);
    const models = await modelIds();
    const now = Date.now();
    const query = `projectIds=${models.join(',')}&start=${new Date(now - 30 * 86_400_000).toISOString()}&end=${new Date(now).toISOString()}`;
    for (const widget of widgets.filter((w: { type: string }) => w.type === 'CHART')) {
      const config = widget.nativeConfiguration;
      const rows: Record<string, unknown>[] = await read(`${widget.endpointUrl}?${query}`, CHART_ROWS);
      expect([widget.endpointUrl, rows.length > 0]).toEqual([widget.endpointUrl, true]);
      for (const row of rows) expect(models).toContain(row.model_id); // the app's projectIdProperty
      const fields: JsonSchema = {
        type: 'object',
        required: [config.xAxis.name, ...config.yAxis.series.map((s: { name: string }) => s.name), ...(config.groupByProperty ? [config.groupByProperty] : []),
          ...(config.filterConfig ?? []).map((f: { property: string }) => f.property), ...(config.alertConfig ? [config.alertConfig.field, config.alertConfig.reasonField] : [])],
        properties: {
          [config.xAxis.name]: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T.*Z$' },
          ...Object.fromEntries(config.yAxis.series.map((s: { name: string }) => [s.name, { type: ['number', 'null'] }])),
          ...(config.alertConfig ? { [config.alertConfig.field]: { type: 'boolean' }, [config.alertConfig.reasonField]: { type: ['string', 'null'] } } : {}),
        },
      };
      expect([widget.endpointUrl, schemaErrors(rows, { type: 'array', items: fields })]).toEqual([widget.endpointUrl, []]);
    }
  });

  it('serves /reports/models and the feed routes as the app reads them', async () => {
    await read('/reports/models', { ...MODELS, minItems: 1 });
    const feeds = await read('/reports/feeds', { ...FEEDS, minItems: 1 });
    const { source, subject, kind, granularity } = feeds[0];
    const tail = await read(`/reports/feeds/tail?source=${source}&subject=${subject}&kind=${kind}&granularity=${encodeURIComponent(granularity)}&limit=10`, FEED_TAIL);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.length).toBeLessThanOrEqual(10);
    await read('/leaderboard/columns', { type: 'array', items: LEADERBOARD_COLUMN });
    await read('/metrics/widgets', { type: 'array', items: WIDGET });
  });
}

if (LIVE_URL) {
  describe(`web app contract against ${LIVE_URL}`, () => {
    readChecks(() => LIVE_URL, async () => ((await (await fetch(`${LIVE_URL}/reports/models`)).json()) as { model_id: string }[]).map((m) => m.model_id));
  });
}

if (!LIVE_URL) describeEachEngine('web app contract', (db) => {
  const competition = demoCompetition();
  const now = Date.now();
  const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
  const models = ['m-alpha', 'm-beta', 'm-gone'];
  let t: ReportTestApp;

  beforeAll(async () => {
    const seed = new ReportSeed(db().dataSource, competition);
    await seed.competition();
    for (const id of models) await seed.model({ id, name: `${id} model`, cruncherName: `${id} cruncher` });
    const windows = (v: number) => ({ recent: { value: v, count: 3, failed: 0, complete: true, params: 1 } });
    const params = (v: number) => [{ param: 'BTC-120-30', asset: 'BTC', horizon: 120, step: 30, windows: windows(v) }, { param: 'ETH-120-30', asset: 'ETH', horizon: 120, step: 30, windows: windows(v / 2) }];
    for (const [i, id] of models.entries()) {
      for (let k = 0; k < 5; k++) await seed.snapshot({ modelId: id, at: ago(60 * 24 * k + i), recent: 0.1 * k, steady: 0.2, anchor: null, windows: windows(0.1 * k), params: params(0.1 * k) });
      await seed.prediction({ modelId: id, performedAt: ago(30 + i), score: 0.5, scoreSuccess: true, scoredAt: ago(28) });
      await seed.prediction({ modelId: id, asset: 'ETH', performedAt: ago(40 + i), score: 0, scoreSuccess: false, scoreFailedReason: 'expected 4 distributions, got 3\ntrace', scoredAt: ago(38), status: 'FAILED' });
    }
    await seed.leaderboard(ago(1), [
      { rank: 1, model_id: 'm-alpha', model_name: 'm-alpha model', cruncher_name: 'm-alpha cruncher', score_recent: 0.4, score_steady: 0.2, score_anchor: null },
      { rank: 2, model_id: 'm-beta', model_name: 'm-beta model', cruncher_name: 'm-beta cruncher', score_recent: 0.3, score_steady: 0.2, score_anchor: null },
      { rank: 3, model_id: 'm-gone', model_name: 'm-gone model', cruncher_name: 'm-gone cruncher', score_recent: 0.1, score_steady: 0.1, score_anchor: null, left: true },
    ]);
    for (let k = 0; k < 15; k++) await seed.feedRecord({ subject: 'BTC', ts: ago(15 - k), values: { price: 100 + k }, receivedAt: ago(15 - k - 0.01) });
    t = await startReportApp(db().dataSource, { competition });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  readChecks(() => t.url, async () => models);

  async function read(path: string, schema: JsonSchema): Promise<any> {
    const res = await fetch(`${t.url}${path}`);
    expect([path, res.status]).toEqual([path, 200]);
    const body = await res.json();
    expect([path, schemaErrors(body, schema)]).toEqual([path, []]);
    return body;
  }

  it("marks the PROJECT column's status: active, inactive once the model left", async () => {
    const { leaderboard_columns: columns } = await read('/reports/schema', REPORT_SCHEMA);
    const status = columns.find((c: { type: string }) => c.type === 'PROJECT').nativeConfiguration.statusProperty;
    const rows = await read('/reports/leaderboard', { type: 'array', minItems: 3 });
    expect(rows.map((r: Record<string, unknown>) => r[status])).toEqual(['active', 'active', 'inactive']);
  });

  it('answers chart requests with rows of every selected model', async () => {
    const query = `projectIds=${models.join(',')}&start=${new Date(now - 30 * 86_400_000).toISOString()}&end=${new Date(now).toISOString()}`;
    for (const route of ['/reports/models/global', '/reports/models/params', '/reports/predictions']) {
      const rows = await read(`${route}?${query}`, CHART_ROWS);
      expect([route, new Set(rows.map((r: { model_id: string }) => r.model_id))]).toEqual([route, new Set(models)]);
    }
  });

  it('gives the feed watermark in event time: the newest record of the tail', async () => {
    const feeds = await read('/reports/feeds', FEEDS);
    const tail = await read('/reports/feeds/tail?source=synthetic&subject=BTC&kind=price&granularity=5s&limit=10', FEED_TAIL);
    expect(tail).toHaveLength(10);
    expect(feeds[0].watermark_ts).toBe(tail[tail.length - 1].ts_event);
  });

  it('flags failed predictions through the alert field the widget names', async () => {
    const rows = await read(`/reports/predictions?projectIds=${models.join(',')}&start=${ago(24 * 60)}&end=${ago(0)}`, CHART_ROWS);
    const failed = rows.filter((r: { score_success: boolean }) => !r.score_success);
    expect(failed).toHaveLength(3);
    expect(failed[0].score_failed_reason).toBe('expected 4 distributions, got 3');
  });

  it('serves the editing routes in the same shapes, and an added column reaches the schema and every row', async () => {
    const column = { type: 'VALUE', property: 'reward_pct', format: 'percentage', displayName: 'Reward', tooltip: null, nativeConfiguration: null, order: 60 };
    const created = await fetch(`${t.url}/leaderboard/columns`, { method: 'POST', headers: { ...ADMIN_HEADERS, 'Content-Type': 'application/json' }, body: JSON.stringify(column) });
    expect(schemaErrors(await created.json(), LEADERBOARD_COLUMN)).toEqual([]);
    try {
      const schema = await read('/reports/schema', REPORT_SCHEMA);
      expect(schema.leaderboard_columns.map((c: { property: string }) => c.property)).toContain('reward_pct');
      const rows = await read('/reports/leaderboard', { type: 'array', items: { type: 'object', required: ['reward_pct'] } });
      expect(rows).toHaveLength(3);
    } finally {
      await fetch(`${t.url}/leaderboard/columns/reset`, { method: 'POST', headers: ADMIN_HEADERS });
    }
  });

  it('would catch the shapes the app cannot read (the schemas can fail)', () => {
    const before = { schema_version: 1, leaderboard_columns: [{ key: 'score_anchor', label: 'Anchor', type: 'number' }], metrics_widgets: [{ id: 'overall', endpoint: '/reports/models/global' }] };
    const errors = schemaErrors(before, REPORT_SCHEMA);
    expect(errors).toEqual(expect.arrayContaining(['$.schema_version: expected string, got 1', '$.leaderboard_columns[0]: missing property', '$.metrics_widgets[0]: missing endpointUrl']));
    expect(schemaErrors([{ source: 's', subject: 'x', kind: 'price', granularity: '', ts: '2025-01-01T00:00:00Z', values: {} }], FEED_TAIL)).toContain('$[0]: missing ts_event');
  });
});
