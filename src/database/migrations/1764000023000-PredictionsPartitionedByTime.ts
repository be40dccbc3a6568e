import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  DEFAULT_PREDICTIONS_PARTITION,
  PARTITION_PERIODS_AHEAD,
  periodStartMs,
  predictionPartitionDays,
  predictionPartitionName,
} from '../../predict/round/prediction-partitions.repository';

const DAY_MS = 86_400_000;

const COLUMNS = `id, round_id, model_id, config_id, asset, horizon, step, status, exec_time_us, payload, failure_reason,
  performed_at, resolvable_at, score_value, score_success, score_failed_reason, scored_at`;

/** The columns of `predictions` as migrations up to this one left them (payload `json`). */
const COLUMN_DEFINITIONS = `
  id uuid NOT NULL,
  round_id uuid NOT NULL,
  model_id text NOT NULL,
  config_id uuid NOT NULL,
  asset text NOT NULL,
  horizon integer NOT NULL,
  step integer NOT NULL,
  status text NOT NULL,
  exec_time_us bigint NULL,
  payload json NULL,
  failure_reason text NULL,
  performed_at timestamptz NOT NULL,
  resolvable_at timestamptz NOT NULL,
  score_value double precision NULL,
  score_success boolean NULL,
  score_failed_reason text NULL,
  scored_at timestamptz NULL,
  CONSTRAINT predictions_status_check CHECK (status IN ('SUCCESS','FAILED','TIMEOUT','ABSENT')),
  CONSTRAINT predictions_round_id_fkey FOREIGN KEY (round_id) REFERENCES prediction_rounds(id) ON DELETE CASCADE`;

/** The indexes of `predictions` besides its keys (the same on the plain and the partitioned table). */
const INDEXES = [
  `CREATE INDEX predictions_unscored_idx ON predictions (resolvable_at) WHERE scored_at IS NULL`,
  `CREATE INDEX predictions_model_performed_idx ON predictions (model_id, performed_at DESC)`,
  `CREATE INDEX predictions_scored_at_idx ON predictions (scored_at) WHERE scored_at IS NOT NULL`,
];

/**
 * `predictions` partitioned by RANGE of `performed_at`, on PostgreSQL and embedded PGlite alike
 * (PGlite 0.5.14 is PostgreSQL 18 and has declarative partitioning), so retention drops a whole
 * partition instead of deleting a day of rows one by one (with their TOASTed payloads and every
 * index entry, then vacuuming them).
 *
 * Why `performed_at`: every prediction of a round has its round's `performed_at` (insertPredictions
 * binds it once per round), so a round lives in one partition, the unique (round, model) stays a
 * per-round fact when the key is added to it, and a partition's age bounds its rows' ages (they
 * resolve one horizon later and are scored from then on). `scored_at` changes after insert (a
 * row would move), and `resolvable_at` would split a round's rows no better.
 *
 * The primary key and the unique constraint must include the key: (id, performed_at) and
 * (round_id, model_id, performed_at), keeping the name `predictions_round_model_unique` for
 * `ON CONFLICT ON CONSTRAINT`. A DEFAULT partition takes any row no dated partition covers, so no
 * insert fails. The existing rows are copied into partitions covering the days they have, plus the
 * current period and the next three (retention creates the following ones); the period length
 * follows the span of the stored rows as retention's follows `retention.predictionsDays`.
 * down() copies them back into the plain table.
 */
export class PredictionsPartitionedByTime1764000023000 implements MigrationInterface {
  name = 'PredictionsPartitionedByTime1764000023000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE predictions_partitioned (${COLUMN_DEFINITIONS}) PARTITION BY RANGE (performed_at)`);
    await q.query(`CREATE TABLE ${DEFAULT_PREDICTIONS_PARTITION} PARTITION OF predictions_partitioned DEFAULT`);
    for (const [fromMs, toMs] of await this.initialRanges(q)) {
      const from = new Date(fromMs).toISOString();
      const to = new Date(toMs).toISOString();
      await q.query(`CREATE TABLE ${predictionPartitionName(fromMs, toMs)} PARTITION OF predictions_partitioned FOR VALUES FROM ('${from}') TO ('${to}')`);
    }
    await q.query(`INSERT INTO predictions_partitioned (${COLUMNS}) SELECT ${COLUMNS} FROM predictions`);
    await q.query(`DROP TABLE predictions`);
    await q.query(`ALTER TABLE predictions_partitioned RENAME TO predictions`);
    // Keys and indexes after the copy (one build instead of row-by-row upkeep); each is created on every partition.
    await q.query(`ALTER TABLE predictions ADD CONSTRAINT predictions_pkey PRIMARY KEY (id, performed_at)`);
    await q.query(`ALTER TABLE predictions ADD CONSTRAINT predictions_round_model_unique UNIQUE (round_id, model_id, performed_at)`);
    for (const index of INDEXES) await q.query(index);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE predictions_plain (${COLUMN_DEFINITIONS})`);
    await q.query(`INSERT INTO predictions_plain (${COLUMNS}) SELECT ${COLUMNS} FROM predictions`);
    await q.query(`DROP TABLE predictions`); // and every partition with it
    await q.query(`ALTER TABLE predictions_plain RENAME TO predictions`);
    await q.query(`ALTER TABLE predictions ADD CONSTRAINT predictions_pkey PRIMARY KEY (id)`);
    await q.query(`ALTER TABLE predictions ADD CONSTRAINT predictions_round_model_unique UNIQUE (round_id, model_id)`);
    for (const index of INDEXES) await q.query(index);
  }

  /** The periods holding stored rows, and the current one with the next PARTITION_PERIODS_AHEAD, merged and sorted. */
  private async initialRanges(q: QueryRunner): Promise<Array<[number, number]>> {
    const [span]: Array<{ first: Date | null; last: Date | null }> = await q.query(`SELECT min(performed_at) AS first, max(performed_at) AS last FROM predictions`);
    const spanDays = span.first && span.last ? Math.ceil((span.last.getTime() - span.first.getTime()) / DAY_MS) : 0;
    const periodDays = predictionPartitionDays(Math.max(30, spanDays));
    const period = periodDays * DAY_MS;
    const starts = new Set<number>();
    const now = periodStartMs(Date.now(), periodDays);
    for (let i = 0; i <= PARTITION_PERIODS_AHEAD; i++) starts.add(now + i * period);
    const stored: Array<{ start: Date }> = await q.query(
      `SELECT DISTINCT to_timestamp(floor(extract(epoch FROM performed_at) / $1) * $1) AS start FROM predictions`,
      [period / 1000],
    );
    for (const r of stored) starts.add(r.start.getTime());
    return [...starts].sort((a, b) => a - b).map((start) => [start, start + period]);
  }
}
