import type { ModelStanding } from '../../src/score/model-standing';
import { ScoreSnapshotRepository } from '../../src/score/score-snapshot.repository';
import { readParamStanding } from '../../src/score/stored-standing';
import { describeEachEngine } from '../support/test-database';

const T0 = Date.UTC(2026, 0, 1);

const standing: ModelStanding = {
  modelId: 'm1',
  windows: {
    recent: { value: 0.25, count: 4, failed: 1, complete: true, params: 2 },
    steady: { value: null, count: 0, failed: 0, complete: false, params: 0 },
  },
  params: [
    { param: 'BTC-3600-60', asset: 'BTC', horizon: 3600, step: 60, windows: { recent: { value: 0.5, count: 2, failed: 0, complete: true } } },
    { param: 'ETH-USD-300-60', asset: 'ETH-USD', horizon: 300, step: 60, windows: { recent: { value: 0, count: 2, failed: 1, complete: false } } },
  ],
};

describeEachEngine('ScoreSnapshotRepository', (db) => {
  let repo: ScoreSnapshotRepository;

  beforeAll(() => {
    repo = new ScoreSnapshotRepository(db().dataSource);
  });

  beforeEach(async () => {
    await db().dataSource.query('DELETE FROM score_snapshots');
  });

  it('reads a snapshot back as the standing it stored, parameter sets typed (no key parsed)', async () => {
    await repo.insert([standing], T0);
    const [snapshot] = await repo.list({ modelId: 'm1' }, 10);
    expect({ modelId: snapshot.modelId, windows: snapshot.windows, params: snapshot.params }).toEqual(standing);
    expect(snapshot).toMatchObject({ performedAt: new Date(T0), scoreRecent: 0.25, scoreSteady: null, scoreAnchor: null });
    expect((await repo.latestWindows(['m1', 'absent'], new Date(T0))).get('m1')).toEqual(standing.windows);
  });

  it('pages parameter sets one row per element, in stored order', async () => {
    await repo.insert([standing], T0);
    const rows = await repo.paramScores(['m1'], new Date(T0), new Date(T0), 10, 1);
    expect(rows.map((r) => r.param?.asset)).toEqual(['ETH-USD']);
  });

  it('prunes snapshots performed before the cut-off', async () => {
    await repo.insert([standing], T0);
    await repo.insert([standing], T0 + 60_000);
    expect(await repo.pruneBefore(new Date(T0 + 1), 1)).toBe(1);
    expect((await repo.seedScores(['m1'], new Date(0), new Date(T0 + 60_000), 10, 0)).map((s) => s.performedAt)).toEqual([new Date(T0 + 60_000)]);
  });
});

describe('readParamStanding', () => {
  it('names no parameter set without asset, horizon and step', () => {
    expect(readParamStanding({ param: 'BTC-120-30', windows: {} })).toBeUndefined();
    expect(readParamStanding({ asset: 'BTC', horizon: 120, step: 30 })).toEqual({ param: 'BTC-120-30', asset: 'BTC', horizon: 120, step: 30, windows: {} });
  });
});
