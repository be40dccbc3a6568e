import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { buildLeaderboardEntries } from '../../src/leaderboard/leaderboard-entries';
import type { ModelStanding, ParamStanding } from '../../src/score/model-standing';
import { describeEachEngine } from '../support/test-database';
import { ReportSeed } from '../report/support/report-seed';
import { demoCompetition, ReportTestApp, startReportApp } from '../report/support/report-test-app';

const WINDOWS = ['recent', 'steady', 'anchor'];
// The fields of one entry of the real Synth leaderboard (reference/synth-rewards/leaderboard.json), in its order.
const SYNTH_FIELDS = ['rank', 'model_id', 'model_name', 'score', 'ranks_by_horizon', 'ranks_by_param', 'player_id', 'player_name'];

function param(asset: string, horizon: number, value: number): ParamStanding {
  const w = { value, count: 4, failed: 0, complete: true };
  return { param: `${asset}-${horizon}-60`, asset, horizon, step: 60, windows: { recent: w, steady: w, anchor: w } };
}
function standing(modelId: string, overall: number, params: ParamStanding[]): ModelStanding {
  const w = { value: overall, count: 8, failed: 0, complete: true, params: params.length };
  return { modelId, params, windows: { recent: w, steady: w, anchor: w } };
}

describeEachEngine('GET /reports/leaderboard/detailed', (db) => {
  const competition = demoCompetition();
  let t: ReportTestApp;
  let seed: ReportSeed;

  beforeAll(async () => {
    seed = new ReportSeed(db().dataSource, competition);
    await seed.competition();
    t = await startReportApp(db().dataSource, { competition });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  const get = async (path: string) => {
    const res = await fetch(`${t.url}${path}`);
    return { status: res.status, body: await res.json() };
  };

  it('answers an empty array before the first leaderboard', async () => {
    expect(await get('/reports/leaderboard/detailed')).toEqual({ status: 200, body: [] });
  });

  it('serves each ranked model with its scores, ranks per horizon and per ASSET:HORIZON, and its player, in the Synth shape', async () => {
    const entries = buildLeaderboardEntries({
      standings: [standing('m-a', 0.1, [param('BTC', 120, 0.1), param('BTC', 300, 0.5)]), standing('m-b', 0.2, [param('BTC', 120, 0.3), param('BTC', 300, 0.2)])],
      models: [
        { id: 'm-a', name: 'alpha', cruncherId: 'player-a', cruncherName: 'alice', leftAt: null },
        { id: 'm-b', name: 'beta', cruncherId: 'player-b', cruncherName: 'bob', leftAt: null },
        { id: 'm-new', name: 'new', cruncherId: 'player-n', cruncherName: 'nina', leftAt: null },
      ],
      windowNames: WINDOWS,
      rules: { ...competition.leaderboard, direction: 'lower' },
      scorerDirection: 'lower',
      previousRanks: new Map(),
      lastStatuses: new Map(),
    });
    await seed.leaderboard('2026-01-01T00:00:00.000Z', entries);
    const { status, body } = await get('/reports/leaderboard/detailed');
    expect(status).toBe(200);
    expect(body.map((e: { model_id: string }) => e.model_id)).toEqual(['m-a', 'm-b']); // the unranked newcomer is left out, as on the seed route
    for (const entry of body) expect(Object.keys(entry)).toEqual(SYNTH_FIELDS);
    // Window order as the competition defines it, although jsonb reorders the stored keys.
    expect(Object.keys(body[0].ranks_by_param['BTC:120'].score)).toEqual(WINDOWS);
    const score = (v: number) => ({ recent: v, steady: v, anchor: v });
    expect(body[0]).toEqual({
      rank: 1,
      model_id: 'm-a',
      model_name: 'alpha',
      score: score(0.1),
      ranks_by_horizon: { '120': { rank: 1, score: score(0.1) }, '300': { rank: 2, score: score(0.5) } },
      ranks_by_param: { 'BTC:120': { rank: 1, score: score(0.1) }, 'BTC:300': { rank: 2, score: score(0.5) } },
      player_id: 'player-a',
      player_name: 'alice',
    });
    expect(body[1].ranks_by_horizon['300']).toEqual({ rank: 1, score: score(0.2) });
  });

  it('serves the newest leaderboard as soon as it is stored (the prepared body is per leaderboard)', async () => {
    expect((await get('/reports/leaderboard/detailed')).body[0].model_id).toBe('m-a');
    await seed.leaderboard('2026-01-01T00:01:00.000Z', [{ rank: 1, model_id: 'm-b', model_name: 'beta', cruncher_id: 'player-b', cruncher_name: 'bob', score_anchor: 0.3 }]);
    const { body } = await get('/reports/leaderboard/detailed');
    expect(body).toEqual([
      { rank: 1, model_id: 'm-b', model_name: 'beta', score: { recent: null, steady: null, anchor: 0.3 }, ranks_by_horizon: {}, ranks_by_param: {}, player_id: 'player-b', player_name: 'bob' },
    ]); // stored by an older version: no breakdowns yet
  });

  it('is documented in OpenAPI with its entry schema', () => {
    const doc = SwaggerModule.createDocument(t.app, new DocumentBuilder().setTitle('t').build());
    expect(doc.paths['/reports/leaderboard/detailed']?.get?.responses?.['200']).toEqual(expect.objectContaining({ content: expect.anything() }));
    const schema = doc.components?.schemas?.DetailedLeaderboardEntryDto as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(SYNTH_FIELDS);
    expect(doc.components?.schemas?.BreakdownRankDto).toBeDefined();
  });
});
