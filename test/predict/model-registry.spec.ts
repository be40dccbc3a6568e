import * as path from 'node:path';
import { VirtualClock } from '../../src/clock/clock';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { ModelRegistryRepository } from '../../src/predict/registry/model-registry.repository';
import { ModelRegistryService } from '../../src/predict/registry/model-registry.service';
import { describeEachEngine } from '../support/test-database';
import { FakeFleet, fleetModel } from './support/fake-fleet';

const competition = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml'));

describeEachEngine('model registry', (db) => {
  let repository: ModelRegistryRepository;
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

  beforeAll(async () => {
    await db().dataSource.query(`INSERT INTO competitions (id, name, definition) VALUES ($1, 'demo', '{}')`, [competition.id]);
    repository = new ModelRegistryRepository(db().dataSource);
  });

  async function row(id: string) {
    const [r] = await db().dataSource.query(
      `SELECT name, cruncher_id, cruncher_name, deployment_id, state, infos, first_seen_at, last_seen_at, left_at FROM models WHERE id = $1`,
      [id],
    );
    return r;
  }

  it('records a joined model as RUNNING with its names, deployment and infos', async () => {
    await repository.recordRunning(competition.id, fleetModel('a'), at(1));
    expect(await row('a')).toEqual({
      name: 'a-name',
      cruncher_id: 'cruncher-a',
      cruncher_name: 'Cruncher a',
      deployment_id: 'a_20260101_000000_000',
      state: 'RUNNING',
      infos: { model_name: 'a-name', cruncher_id: 'cruncher-a' },
      first_seen_at: at(1),
      last_seen_at: at(1),
      left_at: null,
    });
  });

  it('updates a known model in place, keeping when it was first seen', async () => {
    await repository.recordRunning(competition.id, { ...fleetModel('a', 2), modelName: 'renamed' }, at(5));
    expect(await row('a')).toMatchObject({ name: 'renamed', deployment_id: 'a_20260102_000000_000', first_seen_at: at(1), last_seen_at: at(5) });
  });

  it('ignores a stale leave of an old deployment (the replacement already runs)', async () => {
    expect(await repository.recordLeft('a', 'a_20260101_000000_000', at(6))).toBe(false);
    expect((await row('a')).state).toBe('RUNNING');
  });

  it('stops the current deployment on leave, and a rejoin clears left_at', async () => {
    expect(await repository.recordLeft('a', 'a_20260102_000000_000', at(7))).toBe(true);
    expect(await row('a')).toMatchObject({ state: 'STOPPED', left_at: at(7) });
    await repository.recordRunning(competition.id, fleetModel('a', 3), at(8));
    expect(await row('a')).toMatchObject({ state: 'RUNNING', left_at: null, first_seen_at: at(1) });
  });

  it('writes only the membership columns: a concurrent write to another column survives', async () => {
    // Simulates another writer (e.g. a later migration's column owned by scoring).
    await db().dataSource.query(`ALTER TABLE models ADD COLUMN IF NOT EXISTS disabled_reason text`);
    await db().dataSource.query(`UPDATE models SET disabled_reason = 'low score' WHERE id = 'a'`);
    await repository.recordRunning(competition.id, fleetModel('a', 3), at(9));
    await repository.recordLeft('a', 'a_20260103_000000_000', at(10));
    const [r] = await db().dataSource.query(`SELECT disabled_reason FROM models WHERE id = 'a'`);
    expect(r.disabled_reason).toBe('low score');
    await db().dataSource.query(`ALTER TABLE models DROP COLUMN disabled_reason`);
  });

  it('applies membership events in order and reconciles rows left RUNNING by a previous process', async () => {
    await repository.recordRunning(competition.id, fleetModel('ghost'), at(1)); // from "before the restart"
    const fleet = new FakeFleet();
    fleet.join(fleetModel('b'), () => ({ status: 'SUCCESS', result: null }), { silent: true }); // joined before we subscribed
    const service = new ModelRegistryService(fleet, competition, repository, new VirtualClock(at(20)));
    service.start();
    fleet.join(fleetModel('c'), () => ({ status: 'SUCCESS', result: null }));
    fleet.leave('c', 'MULTIPLE_TIMEOUT');
    await service.idle();
    expect((await row('ghost')).state).toBe('STOPPED');
    expect((await row('b')).state).toBe('RUNNING');
    expect(await row('c')).toMatchObject({ state: 'STOPPED', left_at: at(20) });
    expect((await repository.runningModelIds(competition.id))).toEqual(['b']);
    await service.onApplicationShutdown();
  });
});
