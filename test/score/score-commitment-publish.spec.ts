import { commitCycle } from '../../src/commitments/cycle-commitment';
import type { ModelStanding } from '../../src/score/model-standing';
import { ScoreCommitmentRepository } from '../../src/score/score-commitment.repository';
import { ScoreSnapshotRepository } from '../../src/score/score-snapshot.repository';
import { describeEachEngine } from '../support/test-database';

const T1 = new Date(Date.UTC(2026, 0, 1, 1));
const T2 = new Date(Date.UTC(2026, 0, 1, 2));

function standing(modelId: string, value: number): ModelStanding {
  const window = { value, count: 3, failed: 0, complete: true };
  return {
    modelId,
    windows: { recent: { ...window, params: 1 }, anchor: { ...window, params: 1 } },
    params: [{ param: 'BTC-3600-300', asset: 'BTC', horizon: 3600, step: 300, windows: { recent: window, anchor: window } }],
  };
}

describeEachEngine('a cycle publishes its snapshots and their commitment together', (db) => {
  let snapshots: ScoreSnapshotRepository;
  let commitments: ScoreCommitmentRepository;

  beforeEach(async () => {
    const ds = db().dataSource;
    await ds.query(`TRUNCATE score_snapshots, score_commitments`);
    snapshots = new ScoreSnapshotRepository(ds);
    commitments = new ScoreCommitmentRepository(ds, snapshots);
  });

  const snapshotCount = async (at: Date) => Number((await db().dataSource.query(`SELECT count(*)::int AS n FROM score_snapshots WHERE performed_at = $1`, [at]))[0].n);

  it('commits to exactly the snapshots it writes, chained to the cycle before', async () => {
    const first = await commitments.publish('c', T1, [standing('a', 1.5), standing('b', 2.5)]);
    expect(await snapshotCount(T1)).toBe(2);
    expect(first).toEqual(commitCycle('c', T1, await snapshots.windowsAt(T1), null));
    expect(await commitments.at('c', T1)).toEqual(first);

    const second = await commitments.publish('c', T2, [standing('a', 1.25)]);
    expect(second!.previousRoot).toBe(first!.chainedRoot);
    expect(await commitments.at('c', T2)).toEqual(commitCycle('c', T2, await snapshots.windowsAt(T2), first!.chainedRoot));
  });

  it('re-commits a second cycle at the same instant to every snapshot stored then', async () => {
    await commitments.publish('c', T1, [standing('a', 1.5)]);
    const again = await commitments.publish('c', T1, [standing('b', 2.5)]);
    expect(again!.leafCount).toBe(2);
    expect(await commitments.at('c', T1)).toEqual(commitCycle('c', T1, await snapshots.windowsAt(T1), null));
  });

  it('writes nothing when nothing is ranked, and neither half when the statement fails', async () => {
    expect(await commitments.publish('c', T1, [])).toBeNull();
    // PostgreSQL's jsonb refuses \u0000: the snapshot half fails, so the commitment must not land either.
    const broken = { ...standing('a', 1), params: [{ param: 'BTC-3600-300', asset: 'BTC\u0000', horizon: 3600, step: 300, windows: {} }] };
    await expect(commitments.publish('c', T1, [standing('b', 2), broken])).rejects.toThrow();
    expect(await snapshotCount(T1)).toBe(0);
    expect(await commitments.at('c', T1)).toBeNull();

    // The commitment half fails (a trigger refuses it): the snapshots must not land either.
    const ds = db().dataSource;
    await ds.query(`CREATE FUNCTION refuse_commitment() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commitment refused'; END $$`);
    await ds.query(`CREATE TRIGGER refuse_commitment BEFORE INSERT ON score_commitments FOR EACH ROW EXECUTE FUNCTION refuse_commitment()`);
    try {
      await expect(commitments.publish('c', T1, [standing('b', 2)])).rejects.toThrow(/commitment refused/);
    } finally {
      await ds.query(`DROP TRIGGER refuse_commitment ON score_commitments`);
      await ds.query(`DROP FUNCTION refuse_commitment()`);
    }
    expect(await snapshotCount(T1)).toBe(0);
    expect(await commitments.publish('c', T1, [standing('b', 2)])).not.toBeNull();
    expect(await snapshotCount(T1)).toBe(1);
  });
});
