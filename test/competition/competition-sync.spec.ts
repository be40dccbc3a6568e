import * as path from 'node:path';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { CompetitionRepository } from '../../src/competition/competition.repository';
import { CompetitionSyncService } from '../../src/competition/competition-sync.service';
import { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import { describeEachEngine } from '../support/test-database';

const demo = loadCompetitionFile(path.join(__dirname, '../../competitions/demo.yaml'));

function edited(change: (d: CompetitionDefinition) => void): CompetitionDefinition {
  const copy = structuredClone(demo);
  change(copy);
  return copy;
}

describeEachEngine('CompetitionSyncService', (db) => {
  let sync: CompetitionSyncService;
  let configs: PredictionConfigRepository;

  beforeAll(() => {
    const ds = db().dataSource;
    configs = new PredictionConfigRepository(ds);
    sync = new CompetitionSyncService(ds, demo, new CompetitionRepository(), configs);
  });

  it('writes the competition row and one active config per parameter set of the file', async () => {
    const summary = await sync.synced();
    expect(summary).toEqual({ competitionId: demo.id, configs: 6, deactivated: 0 });
    const [row] = await db().dataSource.query(`SELECT name, definition FROM competitions WHERE id = $1`, [demo.id]);
    expect(row.name).toBe(demo.name);
    expect(row.definition.predictions).toHaveLength(6);
    const active = await configs.active(demo.id);
    expect(active.map((c) => `${c.group}:${c.order}:${c.asset}-${c.horizon}-${c.step}@${c.interval}`)).toEqual([
      'fast:0:BTC-120-30@40',
      'fast:1:ETH-120-30@40',
      'fast:2:SOL-120-30@40',
      'fast:3:XAU-120-30@40',
      'slow:0:BTC-300-60@120',
      'slow:1:ETH-300-60@120',
    ]);
    for (const c of active) expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is idempotent: syncing the same file again changes no row', async () => {
    const before = await db().dataSource.query(`SELECT id, updated_at FROM prediction_configs ORDER BY id`);
    const summary = await sync.sync(demo);
    expect(summary.deactivated).toBe(0);
    const after = await db().dataSource.query(`SELECT id, updated_at FROM prediction_configs ORDER BY id`);
    expect(after).toEqual(before);
  });

  it('updates interval, group and order of an edited config without changing its id', async () => {
    const before = await configs.active(demo.id);
    const btcFast = before.find((c) => c.asset === 'BTC' && c.horizon === 120)!;
    await sync.sync(
      edited((d) => {
        const p = d.predictions.find((x) => x.asset === 'BTC' && x.horizon === 120)!;
        p.interval = 80;
        p.group = 'fast-btc';
        p.order = 7;
      }),
    );
    const after = await configs.active(demo.id);
    expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
    const updated = after.find((c) => c.id === btcFast.id)!;
    expect([updated.interval, updated.group, updated.order]).toEqual([80, 'fast-btc', 7]);
  });

  it('deactivates a config removed from the file and keeps its row and id', async () => {
    const before = await configs.all(demo.id);
    const summary = await sync.sync(edited((d) => (d.predictions = d.predictions.filter((p) => p.asset !== 'XAU'))));
    expect(summary.deactivated).toBe(1);
    const all = await configs.all(demo.id);
    expect(all.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
    const xau = all.find((c) => c.asset === 'XAU')!;
    expect(xau.active).toBe(false);
    expect((await configs.active(demo.id)).some((c) => c.asset === 'XAU')).toBe(false);
  });

  it('reactivates a config put back in the file under its old id', async () => {
    const xauBefore = (await configs.all(demo.id)).find((c) => c.asset === 'XAU')!;
    await sync.sync(demo);
    const xau = (await configs.active(demo.id)).find((c) => c.asset === 'XAU');
    expect(xau?.id).toBe(xauBefore.id);
  });

  it('honours an explicit active: false in the file', async () => {
    await sync.sync(edited((d) => (d.predictions.find((p) => p.asset === 'SOL')!.active = false)));
    expect((await configs.active(demo.id)).map((c) => c.asset)).not.toContain('SOL');
    await sync.sync(demo);
  });

  it('updates the stored definition and name when the file changes', async () => {
    await sync.sync(edited((d) => (d.name = 'Renamed demo')));
    const [row] = await db().dataSource.query(`SELECT name, definition->>'name' AS stored FROM competitions WHERE id = $1`, [demo.id]);
    expect(row).toEqual({ name: 'Renamed demo', stored: 'Renamed demo' });
  });
});
