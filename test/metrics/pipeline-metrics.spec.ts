import * as fs from 'node:fs';
import * as path from 'node:path';
import { VirtualClock } from '../../src/clock/clock';
import { ACCESS_TIER_METADATA } from '../../src/auth/access-tier';
import { MetricsController } from '../../src/metrics/metrics.controller';
import { ScoreCycleService } from '../../src/score/score-cycle.service';
import { modelDir } from '../local-orchestrator/support/models-config-fixture';
import { describeEachEngine } from '../support/test-database';
import { Exposition, parseExposition, samplesOf, valueOf } from './support/exposition';
import { PipelineApp, startPipelineApp } from './support/pipeline-app';

const T0 = Date.UTC(2026, 0, 1, 12);
const DASHBOARD = path.join(__dirname, '../../deployment/grafana/coordinator-node.json');
/** Histogram series names end in these; the family (`# TYPE`) is the name without them. */
const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;

interface DashboardPanel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

/** The metric names a PromQL expression reads (`rate(coordinator_x{...}[5m])` -> coordinator_x). */
function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\b((?:coordinator|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]);
}
const MODELS = [
  { id: 'ewma', code_path: modelDir('models/gaussian-ewma'), language: 'javascript' as const, isolation: 'inline' as const },
  { id: 'short', code_path: modelDir('models-faulty/wrong-length'), language: 'javascript' as const, isolation: 'inline' as const },
];

/**
 * /metrics of the whole app (every role) after the pipeline ran on the virtual clock: ticks and
 * predict rounds over gRPC to the local orchestrator's models, scoring cycles on the synthetic
 * feed's ground truth, leaderboards, and report requests.
 */
describeEachEngine('GET /metrics of a running pipeline', (db) => {
  let pipeline: PipelineApp;
  let metrics: Exposition;
  let waitingAfterLastCycle = -1;

  beforeAll(async () => {
    pipeline = await startPipelineApp({ databaseUrl: db().url, clock: new VirtualClock(T0), models: MODELS });
    pipeline.app.get(ScoreCycleService).onCycleCompleted(async ({ waitingRounds }) => {
      waitingAfterLastCycle = waitingRounds;
    });
    await pipeline.clock.advance(4 * 60_000);
    for (let i = 0; i < 3; i++) expect((await pipeline.get('/reports/leaderboard')).status).toBe(200);
    for (const id of ['c-1', 'c-2', 'c-3', 'c-4', 'c-5']) await pipeline.get(`/reports/checkpoints/${id}?verbose=1`);
    await pipeline.get('/no/such/route/42');
    metrics = parseExposition(await pipeline.scrape());
  }, 240_000);

  afterAll(async () => {
    await pipeline?.close();
  }, 30_000);

  it('counts model calls by method and status, with their latency', () => {
    const { tick, predict } = pipeline.competition.model;
    expect(valueOf(metrics, 'coordinator_model_calls_total', { method: tick.method, status: 'SUCCESS' })).toBeGreaterThan(0);
    const predictOk = valueOf(metrics, 'coordinator_model_calls_total', { method: predict.method, status: 'SUCCESS' })!;
    expect(predictOk).toBeGreaterThan(0);
    // wrong-length answers, and its answer is then judged invalid: the call itself succeeded
    const predictCalls = valueOf(metrics, 'coordinator_model_calls_total', { method: predict.method })!;
    expect(valueOf(metrics, 'coordinator_model_call_duration_seconds_count', { method: predict.method })).toBe(predictCalls);
    expect(valueOf(metrics, 'coordinator_model_call_duration_seconds_bucket', { method: predict.method, le: '+Inf' })).toBe(predictCalls);
  });

  it('counts predict rounds by prediction config and outcome, matching the stored rounds', async () => {
    const rows: Array<{ key: string; n: number }> = await db().dataSource.query(
      `SELECT c.asset || '-' || c.horizon || '-' || c.step AS key, count(*)::int AS n
         FROM prediction_rounds r JOIN prediction_configs c ON c.id = r.config_id GROUP BY 1`,
    );
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(valueOf(metrics, 'coordinator_prediction_rounds_total', { config: row.key, status: 'stored' })).toBe(row.n);
  });

  it('shows the running models, the tick lag and the feed age per subject', () => {
    expect(valueOf(metrics, 'coordinator_models', { state: 'running' })).toBe(2);
    expect(valueOf(metrics, 'coordinator_models', { state: 'pending' })).toBe(0);
    const lag = valueOf(metrics, 'coordinator_tick_lag_seconds')!;
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(pipeline.competition.tick.interval);
    for (const subject of pipeline.competition.feed.subjects!) {
      const age = valueOf(metrics, 'coordinator_feed_newest_record_age_seconds', { subject })!;
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(pipeline.competition.feed.pollSeconds! + pipeline.competition.feed.granularity!);
    }
  });

  it('times the scoring cycles and shows what is left to score and the leaderboard age', async () => {
    const cycles = Math.floor((4 * 60) / pipeline.competition.scoring.intervalSeconds);
    expect(valueOf(metrics, 'coordinator_score_cycle_duration_seconds_count')).toBe(cycles);
    const [{ n }] = await db().dataSource.query(`SELECT count(*)::int AS n FROM predictions_with_scores WHERE scored_at IS NULL AND resolvable_at <= $1`, [pipeline.clock.now()]);
    expect(valueOf(metrics, 'coordinator_predictions_due_unscored')).toBe(n);
    const [{ scored }] = await db().dataSource.query(`SELECT count(*)::int AS scored FROM predictions_with_scores WHERE scored_at IS NOT NULL`);
    expect(scored).toBeGreaterThan(0);
    expect(waitingAfterLastCycle).toBeGreaterThanOrEqual(0);
    expect(valueOf(metrics, 'coordinator_rounds_waiting_for_truth')).toBe(waitingAfterLastCycle);
    const age = valueOf(metrics, 'coordinator_leaderboard_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(pipeline.competition.scoring.intervalSeconds);
  });

  it('counts HTTP requests under the route template, the fast path included, and no raw URL', () => {
    expect(valueOf(metrics, 'coordinator_http_requests_total', { route: '/reports/leaderboard', status: '200' })).toBe(3);
    const byId = samplesOf(metrics, 'coordinator_http_requests_total').filter((s) => s.labels.route.startsWith('/reports/checkpoints/'));
    expect(new Set(byId.map((s) => s.labels.route))).toEqual(new Set(['/reports/checkpoints/:id']));
    expect(byId.reduce((sum, s) => sum + s.value, 0)).toBe(5);
    expect(valueOf(metrics, 'coordinator_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    const routes = samplesOf(metrics, 'coordinator_http_requests_total').map((s) => s.labels.route);
    for (const route of routes) expect(route).not.toMatch(/c-\d|no\/such|\?/);
  });

  it('keeps label values bounded: configs, methods, states, subjects and statuses, never ids', () => {
    const { competition } = pipeline;
    const configs = new Set(competition.predictions.map((p) => `${p.asset}-${p.horizon}-${p.step}`));
    const allowed: Record<string, (value: string) => boolean> = {
      config: (v) => configs.has(v),
      method: (v) => [competition.model.tick.method, competition.model.predict.method, 'GET', 'HEAD', 'POST', 'PUT', 'DELETE'].includes(v),
      status: (v) => ['SUCCESS', 'FAILED', 'TIMEOUT', 'stored', 'buffered', 'skipped', 'lost'].includes(v) || /^[1-5]\d\d$/.test(v),
      state: (v) => ['running', 'pending'].includes(v),
      subject: (v) => (competition.feed.subjects ?? []).includes(v),
      route: (v) => v === 'unmatched' || v.startsWith('/'),
      le: () => true,
    };
    const coordinator = metrics.samples.filter((s) => s.name.startsWith('coordinator_'));
    expect(coordinator.length).toBeGreaterThan(0);
    for (const sample of coordinator) {
      for (const [label, value] of Object.entries(sample.labels)) {
        expect({ metric: sample.name, label, value, allowed: allowed[label]?.(value) ?? false }).toMatchObject({ allowed: true });
      }
    }
  });

  it("exports prom-client's default process metrics", () => {
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(metrics.types.has(name)).toBe(true);
    }
  });

  it('is a read-tier route scraped with a key, answering the Prometheus text format', async () => {
    expect(Reflect.getMetadata(ACCESS_TIER_METADATA, MetricsController)).toBe('read');
    const res = await pipeline.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
  });

  it('has a Grafana dashboard whose every queried metric is exported, with a panel per coordinator family', () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as { panels: DashboardPanel[]; templating: { list: Array<{ name: string; type: string; query: unknown }> } };
    expect(dashboard.templating.list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })]));
    const queried = new Set(dashboard.panels.flatMap((panel) => (panel.targets ?? []).flatMap((t) => metricNamesIn(t.expr))));
    expect(queried.size).toBeGreaterThan(10);
    const family = (name: string) => (metrics.types.has(name) ? name : name.replace(HISTOGRAM_SERIES, ''));
    for (const name of queried) expect({ name, exported: metrics.types.has(family(name)) }).toEqual({ name, exported: true });
    const families = [...metrics.types.keys()].filter((name) => name.startsWith('coordinator_'));
    const panelled = new Set([...queried].map(family));
    for (const name of families) expect({ name, panelled: panelled.has(name) }).toEqual({ name, panelled: true });
  });

  it('exports only the stages a report-only instance runs, from a registry of its own', async () => {
    const report = await startPipelineApp({ databaseUrl: db().url, clock: new VirtualClock(pipeline.clock.nowMs()), roles: 'report' });
    try {
      expect((await report.get('/reports/leaderboard')).status).toBe(200);
      const own = parseExposition(await report.scrape());
      for (const absent of [
        'coordinator_models',
        'coordinator_model_calls_total',
        'coordinator_model_call_duration_seconds',
        'coordinator_prediction_rounds_total',
        'coordinator_tick_lag_seconds',
        'coordinator_feed_newest_record_age_seconds',
        'coordinator_score_cycle_duration_seconds',
        'coordinator_predictions_due_unscored',
        'coordinator_rounds_waiting_for_truth',
      ]) {
        expect({ absent, exported: own.types.has(absent) }).toEqual({ absent, exported: false });
      }
      expect(valueOf(own, 'coordinator_leaderboard_age_seconds')).toBeLessThan(pipeline.competition.scoring.intervalSeconds);
      expect(valueOf(own, 'coordinator_http_requests_total', { route: '/reports/leaderboard', status: '200' })).toBe(1); // not the other app's 3
      expect(own.types.has('process_cpu_user_seconds_total')).toBe(true);
      expect(Object.keys((await (await report.get('/healthz', {})).json()).checks).sort()).toEqual(['database', 'leaderboard']);
    } finally {
      await report.close();
    }
  }, 60_000);

  it('reports the pipeline checks of /healthz as up while it keeps pace', async () => {
    const res = await pipeline.get('/healthz', {});
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.checks).toMatchObject({ scoring: { status: 'up' }, schedules: { status: 'up' }, leaderboard: { status: 'up' } });
  });
});
