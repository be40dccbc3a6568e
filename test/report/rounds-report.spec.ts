import { randomUUID } from 'node:crypto';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { VirtualClock } from '../../src/clock/clock';
import { describeEachEngine } from '../support/test-database';
import { ReportSeed } from './support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from './support/report-test-app';

const NOW = '2025-01-01T12:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

async function get(t: ReportTestApp, path: string) {
  const res = await fetch(`${t.url}${path}`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describeEachEngine('GET /reports/rounds and /reports/predictions/latest', (db) => {
  const competition = demoCompetition();
  let t: ReportTestApp;
  const rounds: Record<string, string> = {};

  beforeAll(async () => {
    const ds = db().dataSource;
    const seed = new ReportSeed(ds, competition);
    await seed.competition();
    for (const id of ['m-a', 'm-b', 'm-c']) await seed.model({ id });
    const roundOf = async (predictionId: string) => ((await ds.query(`SELECT round_id FROM predictions WHERE id = $1`, [predictionId])) as Array<{ round_id: string }>)[0].round_id;

    // Scored: three models, every prediction scored.
    const scored = { performedAt: at(-60), scoredAt: at(-55) };
    rounds.scored = await roundOf(await seed.prediction({ modelId: 'm-a', ...scored, status: 'SUCCESS', score: 0.4, scoreSuccess: true, execTimeUs: 2500 }));
    await seed.prediction({ modelId: 'm-b', ...scored, status: 'FAILED', failureReason: 'invalid distribution', score: 0, scoreSuccess: false, execTimeUs: 900 });
    await seed.prediction({ modelId: 'm-c', ...scored, status: 'ABSENT', failureReason: 'not running', score: 0, scoreSuccess: false });
    // Voided by an operator (the void marker arrives with another branch's migration: added here if missing).
    rounds.void = await roundOf(await seed.prediction({ modelId: 'm-a', performedAt: at(-30), status: 'SUCCESS' }));
    await ds.query(`ALTER TABLE prediction_rounds ADD COLUMN IF NOT EXISTS voided_at timestamptz NULL`);
    await ds.query(`ALTER TABLE prediction_rounds ADD COLUMN IF NOT EXISTS void_reason text NULL`);
    await ds.query(`UPDATE prediction_rounds SET voided_at = $2, void_reason = 'feed glitch' WHERE id = $1`, [rounds.void, at(-20)]);
    // Resolvable (horizon 120 s elapsed) but not all scored: waiting for truth.
    rounds.waiting = await roundOf(await seed.prediction({ modelId: 'm-a', performedAt: at(-10), status: 'SUCCESS', execTimeUs: 3100 }));
    await seed.prediction({ modelId: 'm-b', performedAt: at(-10), status: 'TIMEOUT', failureReason: 'deadline exceeded', score: 0, scoreSuccess: false, scoredAt: at(-7) });
    // Horizon not elapsed yet.
    rounds.open = await roundOf(await seed.prediction({ modelId: 'm-b', performedAt: at(-1), status: 'SUCCESS', execTimeUs: 1200 }));
    // Claimed, no prediction stored yet.
    rounds.predicting = randomUUID();
    const [{ config_id }] = (await ds.query(`SELECT config_id FROM prediction_rounds WHERE id = $1`, [rounds.open])) as Array<{ config_id: string }>;
    await ds.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at) VALUES ($1, $2, $3, $4, $4, $5)`,
      [rounds.predicting, competition.id, config_id, at(-0.5), at(1.5)],
    );
    t = await startReportApp(ds, { competition, clock: new VirtualClock(new Date(NOW)) });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('lists rounds newest first with counts by status and a scoring state for each', async () => {
    const res = await get(t, '/reports/rounds');
    expect(res.status).toBe(200);
    expect(res.body.map((r: { round_id: string }) => r.round_id)).toEqual([rounds.predicting, rounds.open, rounds.waiting, rounds.void, rounds.scored]);
    expect(res.body.map((r: { scoring_state: string }) => r.scoring_state)).toEqual(['predicting', 'awaiting_horizon', 'waiting_for_truth', 'void', 'scored']);
    const scored = res.body[4];
    expect(scored).toMatchObject({
      param: 'BTC-120-30', asset: 'BTC', horizon: 120, step: 30, performed_at: at(-60), resolvable_at: at(-58),
      counts: { SUCCESS: 1, FAILED: 1, TIMEOUT: 0, ABSENT: 1 }, predictions: 3, scored: 3, unscored: 0, voided_at: null, void_reason: null,
    });
    expect(res.body[2]).toMatchObject({ counts: { SUCCESS: 1, FAILED: 0, TIMEOUT: 1, ABSENT: 0 }, scored: 1, unscored: 1 });
    expect(res.body[3]).toMatchObject({ voided_at: at(-20), void_reason: 'feed glitch' });
    expect(res.headers.get('x-has-more')).toBe('false');
  });

  it('pages with limit and the X-Next-Cursor given back as before, without skipping or repeating a round', async () => {
    const seen: string[] = [];
    let path = '/reports/rounds?limit=2';
    for (let pages = 0; pages < 5; pages++) {
      const res = await get(t, path);
      expect(res.status).toBe(200);
      expect(res.body.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.map((r: { round_id: string }) => r.round_id));
      if (res.headers.get('x-has-more') !== 'true') break;
      path = `/reports/rounds?limit=2&before=${res.headers.get('x-next-cursor')}`;
    }
    expect(seen).toEqual([rounds.predicting, rounds.open, rounds.waiting, rounds.void, rounds.scored]);
  });

  it("with model_id, lists only that model's rounds and counts its own prediction", async () => {
    const res = await get(t, '/reports/rounds?model_id=m-b');
    expect(res.body.map((r: { round_id: string }) => r.round_id)).toEqual([rounds.open, rounds.waiting, rounds.scored]);
    expect(res.body.map((r: { counts: Record<string, number> }) => r.counts)).toEqual([
      { SUCCESS: 1, FAILED: 0, TIMEOUT: 0, ABSENT: 0 },
      { SUCCESS: 0, FAILED: 0, TIMEOUT: 1, ABSENT: 0 },
      { SUCCESS: 0, FAILED: 1, TIMEOUT: 0, ABSENT: 0 },
    ]);
    const paged = await get(t, '/reports/rounds?model_id=m-b&limit=1');
    const next = await get(t, `/reports/rounds?model_id=m-b&limit=1&before=${paged.headers.get('x-next-cursor')}`);
    expect(next.body.map((r: { round_id: string }) => r.round_id)).toEqual([rounds.waiting]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['before=not-a-cursor', 'before'],
    ['model_id=a&model_id=b', 'model_id'],
  ])('answers 400 naming the parameter for %s', async (query, parameter) => {
    const res = await get(t, `/reports/rounds?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.parameters).toEqual([parameter]);
  });

  it.each([
    "' OR 1=1 --", '%00', '%zz', '<script>', 'MjAyNS0wMS0wMVQwMDowMDowMC4wMDAwMDBafDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA', 'x'.repeat(300), '[]',
  ])('never answers 500 to a hostile value (%s) of before, model_id or format', async (value) => {
    for (const route of ['/reports/rounds', '/reports/predictions/latest?model_id=m-a']) {
      for (const parameter of ['before', 'model_id', 'format', 'limit']) {
        const res = await fetch(`${t.url}${route}${route.includes('?') ? '&' : '?'}${parameter}=${value}`);
        expect([route, parameter, res.status < 500]).toEqual([route, parameter, true]);
      }
    }
  });

  it("lists a model's newest predictions of every status with exec time and failure reason", async () => {
    const res = await get(t, '/reports/predictions/latest?model_id=m-b');
    expect(res.status).toBe(200);
    expect(res.body.map((p: { status: string }) => p.status)).toEqual(['SUCCESS', 'TIMEOUT', 'FAILED']);
    expect(res.body[1]).toMatchObject({ round_id: rounds.waiting, param: 'BTC-120-30', exec_time_ms: null, failure_reason: 'deadline exceeded', score_value: 0, score_success: false, scored_at: at(-7) });
    expect(res.body[2]).toMatchObject({ exec_time_ms: 0.9, failure_reason: 'invalid distribution' });
    expect(res.body[0]).toMatchObject({ exec_time_ms: 1.2, scored_at: null, score_value: null });
    const first = await get(t, '/reports/predictions/latest?model_id=m-b&limit=2');
    expect(first.headers.get('x-has-more')).toBe('true');
    const rest = await get(t, `/reports/predictions/latest?model_id=m-b&limit=2&before=${first.headers.get('x-next-cursor')}`);
    expect(rest.body.map((p: { status: string }) => p.status)).toEqual(['FAILED']);
    expect(rest.headers.get('x-has-more')).toBe('false');
  });

  it('answers 400 naming model_id when it is missing from /reports/predictions/latest', async () => {
    const res = await get(t, '/reports/predictions/latest');
    expect(res.status).toBe(400);
    expect(res.body.parameters).toEqual(['model_id']);
  });

  it('documents both routes and their parameters in OpenAPI', () => {
    const doc = SwaggerModule.createDocument(t.app, new DocumentBuilder().setTitle('t').build());
    const names = (route: string) => (doc.paths[route]?.get?.parameters ?? []).map((p) => ('name' in p ? p.name : ''));
    expect(names('/reports/rounds').sort()).toEqual(['before', 'limit', 'model_id']);
    expect(names('/reports/predictions/latest').sort()).toEqual(['before', 'limit', 'model_id']);
    expect(JSON.stringify(doc.components?.schemas?.RoundDto)).toContain('waiting_for_truth');
  });
});
