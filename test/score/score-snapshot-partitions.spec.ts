import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { PredictionPartitionRepository } from '../../src/predict/round/prediction-partitions.repository';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import type { ModelStanding } from '../../src/score/model-standing';
import { ScoreRetentionService } from '../../src/score/score-retention.service';
import { DEFAULT_SNAPSHOTS_PARTITION, ScoreSnapshotPartitionRepository, snapshotPartitionDays, snapshotPartitionName } from '../../src/score/score-snapshot-partitions.repository';
import { ScoreSnapshotRepository } from '../../src/score/score-snapshot.repository';
import { ScoreWindowRepository } from '../../src/score/score-window.repository';
import { createTestDatabase, describeEachEngine, TestDatabase } from '../support/test-database';
import { competitionFixture } from './support/competition-fixture';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** A UTC midnight far from the real date, so the partitions the migration made around today are out of the way. */
const D0 = Date.UTC(2026, 2, 1);
const day = (n: number) => D0 + n * DAY;
/** Partitions of this file's days (the migration's, around today, are left alone). */
const OURS_BEFORE = Date.UTC(2026, 6, 1);

function standing(modelId: string): ModelStanding {
  return {
    modelId,
    windows: { recent: { value: 0.25, count: 4, failed: 1, complete: true, params: 1 } },
    params: [{ param: 'BTC-3600-60', asset: 'BTC', horizon: 3600, step: 60, windows: { recent: { value: 0.5, count: 2, failed: 0, complete: true } } }],
  };
}

/** Every snapshot as text, by id: what must survive a migration or a partition change unchanged. */
async function allRows(ds: DataSource): Promise<string[]> {
  const rows: Array<{ row: string }> = await ds.query(
    `SELECT concat_ws('|', id, model_id, performed_at, score_recent, score_steady, score_anchor, windows::text, params::text) AS row FROM score_snapshots ORDER BY id`,
  );
  return rows.map((r) => r.row);
}

/** The partition holding each stored cycle, by cycle time (ms). */
async function partitionsByCycle(ds: DataSource): Promise<Record<number, string>> {
  const rows: Array<{ performed_at: Date; partition: string }> = await ds.query(
    `SELECT DISTINCT performed_at, tableoid::regclass::text AS partition FROM score_snapshots ORDER BY performed_at`,
  );
  return Object.fromEntries(rows.map((r) => [r.performed_at.getTime(), r.partition]));
}

async function cycleTimes(ds: DataSource): Promise<number[]> {
  return new ScoreSnapshotRepository(ds).cycleTimesSince(0);
}

function retentionService(ds: DataSource, clock: VirtualClock): ScoreRetentionService {
  // The default snapshot retention: 10 days, so one-day partitions.
  return new ScoreRetentionService(
    competitionFixture(),
    clock,
    ds,
    new PredictionRoundRepository(ds),
    new PredictionPartitionRepository(ds),
    new ScoreSnapshotRepository(ds),
    new ScoreSnapshotPartitionRepository(ds),
    new ScoreWindowRepository(ds),
  );
}

describe('snapshotPartitionDays', () => {
  it('keeps at most about 30 partitions whatever the retention, daily for the default 10 days', () => {
    expect([0.5, 1, 10, 30, 31, 90, 365].map(snapshotPartitionDays)).toEqual([1, 1, 1, 1, 2, 3, 13]);
  });
});

describeEachEngine('score_snapshots partitioned by performed_at', (db) => {
  let partitions: ScoreSnapshotPartitionRepository;
  let snapshots: ScoreSnapshotRepository;

  beforeEach(async () => {
    const ds = db().dataSource;
    await ds.query(`TRUNCATE score_snapshots`);
    partitions = new ScoreSnapshotPartitionRepository(ds);
    snapshots = new ScoreSnapshotRepository(ds);
    for (const p of (await partitions.partitions()) ?? []) if (p.fromMs < OURS_BEFORE) await ds.query(`DROP TABLE ${p.name}`);
  });

  const ourPartitions = async () => ((await partitions.partitions()) ?? []).filter((p) => p.fromMs < OURS_BEFORE).map((p) => p.name);

  it('is partitioned on both engines, with a default partition, the key including performed_at and the same indexes', async () => {
    const ds = db().dataSource;
    const kind: Array<{ relkind: string }> = await ds.query(`SELECT relkind FROM pg_class WHERE relname = 'score_snapshots'`);
    expect(kind).toEqual([{ relkind: 'p' }]);
    const keys: Array<{ conname: string; def: string }> = await ds.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'score_snapshots'::regclass AND contype IN ('p', 'u', 'f') ORDER BY conname`);
    expect(keys).toEqual([{ conname: 'score_snapshots_pkey', def: 'PRIMARY KEY (id, performed_at)' }]);
    const indexes: Array<{ indexname: string }> = await ds.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'score_snapshots' ORDER BY 1`);
    expect(indexes.map((i) => i.indexname)).toEqual(['score_snapshots_model_time_idx', 'score_snapshots_pkey', 'score_snapshots_time_idx']);
    const defaults: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = $1 AND relispartition`, [DEFAULT_SNAPSHOTS_PARTITION]);
    expect(defaults).toEqual([{ n: 1 }]);
  });

  it('stores a cycle no dated partition covers in the default partition, and moves it into the partition created for its day later', async () => {
    const ds = db().dataSource;
    await partitions.createAhead(day(0), 1, 0);
    await snapshots.insert([standing('a')], day(0) + HOUR);
    await snapshots.insert([standing('a'), standing('b')], day(2) + HOUR);
    expect(await partitionsByCycle(ds)).toEqual({ [day(0) + HOUR]: snapshotPartitionName(day(0), day(1)), [day(2) + HOUR]: DEFAULT_SNAPSHOTS_PARTITION });
    const before = await allRows(ds);

    const created = await partitions.createAhead(day(2), 1, 0);
    expect(created.map((p) => [p.name, p.moved])).toEqual([[snapshotPartitionName(day(2), day(3)), 2]]);
    expect((await partitionsByCycle(ds))[day(2) + HOUR]).toBe(snapshotPartitionName(day(2), day(3)));
    expect(await allRows(ds)).toEqual(before);
  });

  it('prunes by whole partitions: drops those wholly past the cutoff, counting their rows, and keeps the one straddling it intact', async () => {
    const ds = db().dataSource;
    const clock = new VirtualClock(day(0));
    const retention = retentionService(ds, clock);
    await retention.runPrune(); // days 0-3
    expect(await ourPartitions()).toEqual([0, 1, 2, 3].map((d) => snapshotPartitionName(day(d), day(d + 1))));
    await clock.advanceTo(day(3));
    await retention.runPrune(); // days 0-6
    for (const at of [day(0) + HOUR, day(1) + HOUR, day(1) + 23 * HOUR, day(2) + HOUR, day(2) + 12 * HOUR]) await snapshots.insert([standing('a'), standing('b')], at);
    // Before any dated partition (a node that ran without retention for a while): the default partition.
    await snapshots.insert([standing('a')], day(-5));
    await snapshots.insert([standing('a')], day(-4) + 12 * HOUR);

    // Cutoff day 2 + 6 h (10 days): days 0 and 1 are wholly past it and go whole (6 rows); day 2
    // straddles it, so its 1 h cycle, expired, stays with it; the default partition's two rows
    // before the cutoff are deleted row by row.
    await clock.advanceTo(day(12) + 6 * HOUR);
    const result = await retention.runPrune();
    expect(result!.snapshots).toBe(6 + 2);
    expect(await cycleTimes(ds)).toEqual([day(2) + HOUR, day(2) + 12 * HOUR]);
    const names = await ourPartitions();
    expect(names).not.toContain(snapshotPartitionName(day(0), day(1)));
    expect(names).not.toContain(snapshotPartitionName(day(1), day(2)));
    expect(names).toContain(snapshotPartitionName(day(2), day(3)));

    // The next hours leave day 2 alone (row-by-row pruning inside it would delete its 1 h cycle).
    await clock.advanceTo(day(12) + 23 * HOUR);
    expect((await retention.runPrune())!.snapshots).toBe(0);
    expect(await cycleTimes(ds)).toEqual([day(2) + HOUR, day(2) + 12 * HOUR]);

    // Once day 2 is wholly past the cutoff (snapshotsDays plus up to one day), it goes whole.
    await clock.advanceTo(day(13));
    expect((await retention.runPrune())!.snapshots).toBe(4);
    expect(await cycleTimes(ds)).toEqual([]);
    expect(await ourPartitions()).not.toContain(snapshotPartitionName(day(2), day(3)));
  });

  it('never deletes row by row inside a dated partition', async () => {
    const ds = db().dataSource;
    const clock = new VirtualClock(day(0));
    const retention = retentionService(ds, clock);
    await retention.runPrune();
    await snapshots.insert([standing('a')], day(0) + HOUR);
    await snapshots.insert([standing('a')], day(1) + HOUR);
    await clock.advanceTo(day(11) + 12 * HOUR); // cutoff day 1 + 12 h
    const query = jest.spyOn(ds, 'query');
    try {
      expect((await retention.runPrune())!.snapshots).toBe(1);
      const deletes = query.mock.calls.map(([sql]) => String(sql)).filter((sql) => /DELETE FROM "?score_snapshots/.test(sql));
      expect(deletes.length).toBeGreaterThan(0); // the default partition's pass
      for (const sql of deletes) expect(sql).toContain(DEFAULT_SNAPSHOTS_PARTITION);
    } finally {
      query.mockRestore();
    }
    expect(await cycleTimes(ds)).toEqual([day(1) + HOUR]);
  });
});

describeEachEngine('the snapshot partitioning migration', (db) => {
  const NAME = 'ScoreSnapshotsPartitionedByTime1764000029000';
  const applied = async (ds: DataSource) => ((await ds.query(`SELECT count(*)::int AS n FROM typeorm_migrations WHERE name = $1`, [NAME])) as Array<{ n: number }>)[0].n === 1;
  /** Reverts migrations down to and including this one (later ones first, as TypeORM does). */
  const revert = async (ds: DataSource) => {
    while (await applied(ds)) await ds.undoLastMigration({ transaction: 'each' });
  };
  const relkind = async (ds: DataSource) => ((await ds.query(`SELECT relkind FROM pg_class WHERE relname = 'score_snapshots'`)) as Array<{ relkind: string }>)[0].relkind;

  it('keeps every row of a populated table, up and down', async () => {
    const ds = db().dataSource;
    await revert(ds);
    expect(await relkind(ds)).toBe('r');
    // Stored as the plain table held them: a cycle long ago, one today, one written ahead.
    const insert = (at: number, modelId: string, recent: number | null) =>
      ds.query(
        `INSERT INTO score_snapshots (id, model_id, performed_at, score_recent, score_steady, score_anchor, windows, params) VALUES ($1, $2, $3, $4, NULL, 0.5, $5::jsonb, $6::jsonb)`,
        [randomUUID(), modelId, new Date(at), recent, JSON.stringify(standing(modelId).windows), JSON.stringify([{ param: 'BTC-3600-60', score_recent: recent }])],
      );
    await insert(D0 + HOUR, 'a', 0.25);
    await insert(D0 + HOUR, 'b', null);
    await insert(Date.now(), 'a', 0.125);
    await insert(Date.now() + 2 * DAY, 'a', 1);
    const before = await allRows(ds);
    expect(before).toHaveLength(4);

    await ds.runMigrations({ transaction: 'each' });
    expect(await relkind(ds)).toBe('p');
    expect(await allRows(ds)).toEqual(before);
    const inDefault: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM ${DEFAULT_SNAPSHOTS_PARTITION}`);
    expect(inDefault).toEqual([{ n: 0 }]); // every stored period got its partition
    // The rows span D0 to past today, so the migration chose the period retention would for that span.
    const days = snapshotPartitionDays(Math.ceil((Date.now() + 2 * DAY - D0 - HOUR) / DAY));
    const from = Math.floor(D0 / (days * DAY)) * days * DAY;
    expect((await partitionsByCycle(ds))[D0 + HOUR]).toBe(snapshotPartitionName(from, from + days * DAY));

    await revert(ds);
    expect(await relkind(ds)).toBe('r');
    expect(await allRows(ds)).toEqual(before);
    const keys: Array<{ def: string }> = await ds.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'score_snapshots_pkey'`);
    expect(keys).toEqual([{ def: 'PRIMARY KEY (id)' }]);

    await ds.runMigrations({ transaction: 'each' });
    expect(await allRows(ds)).toEqual(before);
  });
});

// A second session holding a lock needs a server: PGlite serves one connection at a time.
(process.env.TEST_DATABASE_URL ? describe : describe.skip)('snapshot retention while a long read holds score_snapshots [postgres]', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  }, 60_000);
  afterAll(() => db?.close(), 60_000);

  it('leaves a partition it cannot lock to the next run instead of failing or waiting, and drops it then', async () => {
    const ds = db.dataSource;
    const clock = new VirtualClock(day(0));
    const retention = retentionService(ds, clock);
    const partitions = new ScoreSnapshotPartitionRepository(ds);
    await retention.runPrune();
    await new ScoreSnapshotRepository(ds).insert([standing('a')], day(0) + HOUR);
    const reader = new Client({ connectionString: db.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM score_snapshots'); // a report's read: ACCESS SHARE on every partition until it ends
      await clock.advanceTo(day(11));
      expect((await retention.runPrune())!.snapshots).toBe(0);
      expect(((await partitions.partitions()) ?? []).map((p) => p.name)).toContain(snapshotPartitionName(day(0), day(1)));
    } finally {
      await reader.query('COMMIT');
      await reader.end();
    }
    expect((await retention.runPrune())!.snapshots).toBe(1);
    expect(((await partitions.partitions()) ?? []).map((p) => p.name)).not.toContain(snapshotPartitionName(day(0), day(1)));
  }, 60_000);
});
