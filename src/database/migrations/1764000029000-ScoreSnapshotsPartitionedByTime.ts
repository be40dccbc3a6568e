import { MigrationInterface, QueryRunner } from 'typeorm';
import { PARTITION_PERIODS_AHEAD, periodStartMs } from '../../predict/round/prediction-partitions.repository';
import { DEFAULT_SNAPSHOTS_PARTITION, snapshotPartitionDays, snapshotPartitionName } from '../../score/score-snapshot-partitions.repository';

const DAY_MS = 86_400_000;

const COLUMNS = `id, model_id, performed_at, score_recent, score_steady, score_anchor, windows, params`;

/** The columns of `score_snapshots` as InitialSchema made them (no later migration changed them). */
const COLUMN_DEFINITIONS = `
  id uuid NOT NULL,
  model_id text NOT NULL,
  performed_at timestamptz NOT NULL,
  score_recent double precision NULL,
  score_steady double precision NULL,
  score_anchor double precision NULL,
  windows jsonb NOT NULL DEFAULT '{}'::jsonb,
  params jsonb NOT NULL DEFAULT '[]'::jsonb`;

/** The indexes of `score_snapshots` besides its key (the same on the plain and the partitioned table). */
const INDEXES = [
  `CREATE INDEX score_snapshots_model_time_idx ON score_snapshots (model_id, performed_at)`,
  `CREATE INDEX score_snapshots_time_idx ON score_snapshots (performed_at)`,
];

/**
 * `score_snapshots` partitioned by RANGE of `performed_at`, as 1764000023000 did for `predictions`
 * and on both engines alike, so retention drops a whole expired day instead of deleting an hour
 * of snapshots every hour. Measured before this (a 30-day replay of 100 models on PostgreSQL):
 * 1.4 million rows under the 10-day retention, the hourly DELETE 972 ms each time, and the cycle's
 * insert 18.7 ms on average as the table and its indexes grew.
 *
 * `performed_at` is the cycle's time: every snapshot of a cycle has it, so a cycle lives in one
 * partition, and it never changes after the insert. The primary key must include it: (id,
 * performed_at); nothing looks a snapshot up by id alone, and nothing writes them ON CONFLICT. A
 * DEFAULT partition takes any row no dated partition covers, so no cycle's insert fails. The
 * existing rows are copied into partitions covering the periods they have, plus the current period
 * and the next PARTITION_PERIODS_AHEAD (retention creates the following ones); the period follows
 * the span of the stored rows, at least the default 10 days, as retention's follows
 * `retention.snapshotsDays`. down() copies them back into the plain table.
 */
export class ScoreSnapshotsPartitionedByTime1764000029000 implements MigrationInterface {
  name = 'ScoreSnapshotsPartitionedByTime1764000029000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE score_snapshots_partitioned (${COLUMN_DEFINITIONS}) PARTITION BY RANGE (performed_at)`);
    await q.query(`CREATE TABLE ${DEFAULT_SNAPSHOTS_PARTITION} PARTITION OF score_snapshots_partitioned DEFAULT`);
    for (const [fromMs, toMs] of await this.initialRanges(q)) {
      const from = new Date(fromMs).toISOString();
      const to = new Date(toMs).toISOString();
      await q.query(`CREATE TABLE ${snapshotPartitionName(fromMs, toMs)} PARTITION OF score_snapshots_partitioned FOR VALUES FROM ('${from}') TO ('${to}')`);
    }
    await q.query(`INSERT INTO score_snapshots_partitioned (${COLUMNS}) SELECT ${COLUMNS} FROM score_snapshots`);
    await q.query(`DROP TABLE score_snapshots`);
    await q.query(`ALTER TABLE score_snapshots_partitioned RENAME TO score_snapshots`);
    // The key and indexes after the copy (one build instead of row-by-row upkeep); each is created on every partition.
    await q.query(`ALTER TABLE score_snapshots ADD CONSTRAINT score_snapshots_pkey PRIMARY KEY (id, performed_at)`);
    for (const index of INDEXES) await q.query(index);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE score_snapshots_plain (${COLUMN_DEFINITIONS})`);
    await q.query(`INSERT INTO score_snapshots_plain (${COLUMNS}) SELECT ${COLUMNS} FROM score_snapshots`);
    await q.query(`DROP TABLE score_snapshots`); // and every partition with it
    await q.query(`ALTER TABLE score_snapshots_plain RENAME TO score_snapshots`);
    await q.query(`ALTER TABLE score_snapshots ADD CONSTRAINT score_snapshots_pkey PRIMARY KEY (id)`);
    for (const index of INDEXES) await q.query(index);
  }

  /** The periods holding stored rows, and the current one with the next PARTITION_PERIODS_AHEAD, merged and sorted. */
  private async initialRanges(q: QueryRunner): Promise<Array<[number, number]>> {
    const [span]: Array<{ first: Date | null; last: Date | null }> = await q.query(`SELECT min(performed_at) AS first, max(performed_at) AS last FROM score_snapshots`);
    const spanDays = span.first && span.last ? Math.ceil((span.last.getTime() - span.first.getTime()) / DAY_MS) : 0;
    const periodDays = snapshotPartitionDays(Math.max(10, spanDays));
    const period = periodDays * DAY_MS;
    const starts = new Set<number>();
    const now = periodStartMs(Date.now(), periodDays);
    for (let i = 0; i <= PARTITION_PERIODS_AHEAD; i++) starts.add(now + i * period);
    const stored: Array<{ start: Date }> = await q.query(
      `SELECT DISTINCT to_timestamp(floor(extract(epoch FROM performed_at) / $1) * $1) AS start FROM score_snapshots`,
      [period / 1000],
    );
    for (const r of stored) starts.add(r.start.getTime());
    return [...starts].sort((a, b) => a - b).map((start) => [start, start + period]);
  }
}
