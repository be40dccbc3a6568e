import { samplingBucketSeconds } from '../../src/report/services/chart-sampling';
import { describeEachEngine } from '../support/test-database';
import { storeScores } from '../../bench/stored-scores';
import { ReportSeed } from './support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from './support/report-test-app';

const DAY = 86_400_000;
const END = new Date('2025-03-01T00:00:00.000Z');
const START = new Date(END.getTime() - 30 * DAY);
/** 6,000 points per model over 30 days: 12,000 snapshots (more than a body's 10,000) and 12,000 predictions. */
const POINTS = 6_000;
const STEP_MS = (30 * DAY) / POINTS;

describe('samplingBucketSeconds', () => {
  it('keeps every series within the body, one spare bucket for the inclusive end', () => {
    const range = { start: START, end: END };
    const seconds = samplingBucketSeconds(range, 60, 5000);
    const buckets = Math.floor((30 * 86400) / seconds) + 1;
    expect(buckets * 60).toBeLessThanOrEqual(5000);
    expect(seconds).toBe(31610);
    expect(samplingBucketSeconds({ start: START, end: START }, 1, 10)).toBe(1);
    expect(samplingBucketSeconds(range, 100_000, 10)).toBe(30 * 86400);
  });
});

describeEachEngine("chart requests (the web app's: every model, 30 days, body only)", (db) => {
  const competition = demoCompetition();
  let t: ReportTestApp;
  const window = `start=${START.toISOString()}&end=${END.toISOString()}`;

  beforeAll(async () => {
    const ds = db().dataSource;
    const seed = new ReportSeed(ds, competition);
    await seed.competition();
    for (const id of ['m-a', 'm-b']) await seed.model({ id });
    // Bulk rows in SQL: a point every STEP_MS from START + STEP_MS to END (the newest exactly at END).
    await ds.query(
      `INSERT INTO score_snapshots (id, model_id, performed_at, score_recent, score_steady, score_anchor, params)
       SELECT md5(m || i::text)::uuid, m, $1::timestamptz + i * $2::float8 * interval '1 millisecond', i, i, i,
              jsonb_build_array(jsonb_build_object('param', 'BTC-120-30', 'asset', 'BTC', 'horizon', 120, 'step', 30,
                                                   'windows', jsonb_build_object('recent', jsonb_build_object('value', i, 'count', 1, 'failed', 0, 'complete', true))))
         FROM unnest(ARRAY['m-a', 'm-b']) AS m, generate_series(1, $3::int) AS i`,
      [START.toISOString(), STEP_MS, POINTS],
    );
    await seed.prediction({ modelId: 'm-a', performedAt: START.toISOString(), score: 0, scoreSuccess: true, scoredAt: START.toISOString() }); // creates the config
    await ds.query(
      `WITH rounds AS (
         INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at)
         SELECT md5('r' || i::text)::uuid, $4, (SELECT id FROM prediction_configs LIMIT 1), t, t, t + interval '120 seconds'
           FROM generate_series(1, $3::int) AS i, LATERAL (SELECT $1::timestamptz + i * $2::float8 * interval '1 millisecond' AS t) AS at
         RETURNING id, performed_at, resolvable_at, config_id)
       INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, performed_at, resolvable_at)
       SELECT md5(r.id::text || m)::uuid, r.id, m, r.config_id, 'BTC', 120, 30, 'SUCCESS', r.performed_at, r.resolvable_at
         FROM rounds r, unnest(ARRAY['m-a', 'm-b']) AS m`,
      [START.toISOString(), STEP_MS, POINTS, competition.id],
    );
    await storeScores(
      ds,
      `SELECT id, performed_at, extract(epoch from performed_at)::float8 AS score_value, true AS score_success, NULL::text AS score_failed_reason,
              resolvable_at AS scored_at
         FROM predictions_with_scores WHERE scored_at IS NULL`,
    );
    t = await startReportApp(ds, { competition });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  async function get(path: string) {
    const res = await fetch(`${t.url}${path}`);
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  it('downsamples /reports/models/global over the whole range, keeping each model\'s newest snapshot', async () => {
    const res = await get(`/reports/models/global?projectIds=m-a,m-b&${window}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-downsampled-seconds')).toBe(String(samplingBucketSeconds({ start: START, end: END }, 2, 10_000)));
    expect(res.body.length).toBeLessThanOrEqual(10_000);
    expect(res.body.length).toBeGreaterThan(9_000);
    const last = res.body.slice(-2).map((r: { model_id: string; performed_at: string }) => `${r.model_id}@${r.performed_at}`).sort();
    expect(last).toEqual([`m-a@${END.toISOString()}`, `m-b@${END.toISOString()}`]);
    // The first day is there too (the seed's oldest-10,000 answer ended on day 25).
    expect(new Date(res.body[0].performed_at).getTime()).toBeLessThan(START.getTime() + DAY);
    const times = res.body.map((r: { performed_at: string }) => r.performed_at);
    expect([...times].sort()).toEqual(times);
  });

  it('keeps the exact rows when they fit, and exact pages when a client pages', async () => {
    const week = `start=${new Date(END.getTime() - 7 * DAY).toISOString()}&end=${END.toISOString()}`;
    const exact = await get(`/reports/models/global?projectIds=m-a,m-b&${week}`);
    expect(exact.headers.get('x-downsampled-seconds')).toBeNull();
    expect(exact.body).toHaveLength(2 * 1401); // both bounds inclusive
    const paged = await get(`/reports/models/global?projectIds=m-a,m-b&${window}&limit=10000`);
    expect(paged.headers.get('x-downsampled-seconds')).toBeNull();
    expect(paged.headers.get('x-next-offset')).toBe('10000');
    expect(paged.body[0].performed_at).toBe(new Date(START.getTime() + STEP_MS).toISOString());
  });

  it('downsamples /reports/models/params per model and parameter set', async () => {
    const res = await get(`/reports/models/params?projectIds=m-a,m-b&${window}`);
    expect(res.headers.get('x-downsampled-seconds')).not.toBeNull();
    expect(res.body.length).toBeLessThanOrEqual(10_000);
    expect(res.body.at(-1)).toMatchObject({ param: 'BTC-120-30', performed_at: END.toISOString() });
  });

  it('downsamples /reports/predictions for several models, newest first, from the newest prediction', async () => {
    const res = await get(`/reports/predictions?projectIds=m-a,m-b&${window}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-downsampled-seconds')).not.toBeNull();
    expect(res.body.length).toBeLessThanOrEqual(5_000);
    expect(res.body.slice(0, 2).map((r: { model_id: string; performed_at: string }) => `${r.model_id}@${r.performed_at}`).sort()).toEqual([`m-a@${END.toISOString()}`, `m-b@${END.toISOString()}`]);
    expect(new Date(res.body.at(-1).performed_at).getTime()).toBeLessThan(START.getTime() + DAY);
    expect(res.body[0]).toMatchObject({ score_success: true, score_failed: false });
    const page = await get(`/reports/predictions?projectIds=m-a&${window}&limit=3`);
    expect(page.headers.get('x-downsampled-seconds')).toBeNull();
    expect(page.body).toHaveLength(3);
  });
});
