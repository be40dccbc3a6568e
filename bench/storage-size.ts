/**
 * Bytes per stored prediction of the hourly reference config on PostgreSQL, and what 10,000
 * models cost per day at the reference cadence.
 *
 *   npm run build && node dist/bench/storage-size.js [models=1000] [rounds=20]
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the default; a scratch database is created there and dropped)
 *
 * Stores `rounds` x `models` predictions of the hourly group (BTC, ETH, SOL, XAU round-robined,
 * horizon 3600, step 60: 60 densities, each a two-component normal mixture whose numbers carry
 * the 17 significant digits a model's `json.dumps` writes) through the real
 * PredictionRoundRepository.insertPredictions, then scores them through writeScores as a scoring
 * cycle does, VACUUMs and ANALYZEs, and prints per prediction: heap, TOAST, each index,
 * pg_total_relation_size, the average pg_column_size of `payload` (and of `payload_compact` when
 * that column exists), summed over every partition when the table is partitioned; with the scores
 * apart (migration 1764000028000), the queue of unscored predictions and the scores table are
 * measured too, and the per-day figure counts all three. It also
 * times insertPredictions and writeScores (both touch every partition's indexes), and last what
 * retention's removal of those rows costs: the drop of their partition when the table is
 * partitioned, else the row-wise DELETE plus the VACUUM that makes the space reusable.
 *
 * On a partitioned table, the (empty) daily partitions of the 30 days before the measured rounds are
 * created first (STORAGE_PAST_DAYS, default 30), so lookups that cannot be pruned to one partition
 * (writeScores finds rows by id alone) probe as many partitions as under a 30-day retention.
 *
 * The cadence is competitions/condorgame.yaml's: the hourly group runs each of its four configs
 * every 720 s, so 480 rounds a day; each model answers every round.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { PredictionPartitionRepository } from '../src/predict/round/prediction-partitions.repository';
import { PredictionRoundRepository } from '../src/predict/round/prediction-round.repository';
import type { PredictionRecord, PredictionRoundRecord } from '../src/predict/round/prediction-round';
import { benchDatabase } from './bench-database';
import { seededRandom } from '../src/cli/check/seeded-random';

const ASSETS = ['BTC', 'ETH', 'SOL', 'XAU'];
const HORIZON = 3600;
const STEP = 60;
const CONFIG_INTERVAL_S = 720;
/** Reference hourly group: four configs, each every 720 s. */
const ROUNDS_PER_DAY = (ASSETS.length * 86_400) / CONFIG_INTERVAL_S;
const REFERENCE_MODELS = 10_000;
/** The round-robined hourly group starts one asset every 180 s. */
const ROUND_SPACING_MS = (CONFIG_INTERVAL_S / ASSETS.length) * 1000;
/** Today's UTC midnight: the rounds land in the partition the migration made for today (up to 480 rounds). */
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000;

/** One model's answer: 60 two-component normal mixtures, numbers as Python's repr writes them. */
function mixturePayload(next: () => number): string {
  const steps = Array.from({ length: HORIZON / STEP }, () => {
    const w = 0.5 + 0.4 * next();
    return {
      type: 'mixture',
      components: [
        { density: { type: 'builtin', name: 'norm', params: { loc: (next() - 0.5) * 2e-4, scale: 4e-4 + next() * 6e-4 } }, weight: w },
        { density: { type: 'builtin', name: 'norm', params: { loc: (next() - 0.5) * 4e-4, scale: 1.5e-3 + next() * 1e-3 } }, weight: 1 - w },
      ],
    };
  });
  return JSON.stringify(steps);
}

interface RelationSizes {
  heap: number;
  toast: number;
  total: number;
  indexes: Array<{ name: string; bytes: number }>;
  partitions: number;
}

/**
 * Sizes summed over the leaves of `table` that hold rows (itself when it is not partitioned): the
 * empty partitions made ahead cost a few pages each whatever the load, not bytes per prediction.
 */
async function relationSizes(ds: DataSource, table: string): Promise<RelationSizes> {
  const leaves: Array<{ name: string }> = await ds.query(
    `SELECT relid::regclass::text AS name FROM pg_partition_tree('${table}') WHERE isleaf
     UNION ALL SELECT '${table}' WHERE NOT EXISTS (SELECT 1 FROM pg_partition_tree('${table}'))`,
  );
  const holding: string[] = [];
  for (const { name } of leaves) {
    const [row]: Array<{ any: boolean }> = await ds.query(`SELECT EXISTS (SELECT 1 FROM ${name}) AS any`);
    if (row.any) holding.push(name);
  }
  const [sizes]: Array<{ heap: string; toast: string; total: string }> = await ds.query(
    `SELECT coalesce(sum(pg_relation_size(c.oid)), 0)::text AS heap,
            coalesce(sum(CASE WHEN c.reltoastrelid <> 0 THEN pg_total_relation_size(c.reltoastrelid) ELSE 0 END), 0)::text AS toast,
            coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS total
       FROM pg_class c WHERE c.oid = ANY($1::regclass[])`,
    [holding],
  );
  // Each index of the table: its own size, or the sum of its partitions' indexes on the leaves kept.
  const indexes: Array<{ name: string; bytes: string }> = await ds.query(
    `SELECT i.indexrelid::regclass::text AS name,
            coalesce((SELECT sum(pg_relation_size(x.indexrelid))
                        FROM pg_index x
                       WHERE x.indrelid = ANY($1::regclass[])
                         AND (x.indexrelid = i.indexrelid OR x.indexrelid IN (SELECT relid FROM pg_partition_tree(i.indexrelid)))), 0)::text AS bytes
       FROM pg_index i WHERE i.indrelid = '${table}'::regclass ORDER BY 1`,
    [holding],
  );
  return {
    heap: Number(sizes.heap),
    toast: Number(sizes.toast),
    total: Number(sizes.total),
    partitions: holding.length,
    indexes: indexes.map((r) => ({ name: r.name, bytes: Number(r.bytes) })),
  };
}

async function columnSizes(ds: DataSource): Promise<Array<{ column: string; avg: number }>> {
  const columns: Array<{ column_name: string }> = await ds.query(
    `SELECT column_name FROM information_schema.columns WHERE table_name = 'predictions' AND column_name IN ('payload', 'payload_compact') ORDER BY column_name`,
  );
  const out: Array<{ column: string; avg: number }> = [];
  for (const { column_name } of columns) {
    const [row]: Array<{ avg: number | null }> = await ds.query(`SELECT avg(pg_column_size(${column_name}))::float8 AS avg FROM predictions WHERE ${column_name} IS NOT NULL`);
    out.push({ column: column_name, avg: row.avg ?? 0 });
  }
  const [text]: Array<{ avg: number | null }> = await ds.query(`SELECT avg(octet_length(payload::text))::float8 AS avg FROM predictions WHERE payload IS NOT NULL`);
  out.push({ column: 'payload JSON text (octet_length, uncompressed)', avg: text.avg ?? 0 });
  return out;
}

/** The queue of unscored predictions and the scores table (migration 1764000028000), when they exist: bytes per prediction, total and by index. */
async function companions(ds: DataSource): Promise<Array<{ table: string; sizes: RelationSizes }>> {
  const out: Array<{ table: string; sizes: RelationSizes }> = [];
  for (const table of ['prediction_unscored', 'prediction_scores']) {
    const [{ exists }]: Array<{ exists: boolean }> = await ds.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table]);
    if (exists) out.push({ table, sizes: await relationSizes(ds, table) });
  }
  return out;
}

function report(label: string, sizes: RelationSizes, rows: number, columns: Array<{ column: string; avg: number }>, beside: Array<{ table: string; sizes: RelationSizes }> = []): void {
  const per = (bytes: number) => `${(bytes / rows).toFixed(0).padStart(6)} B`;
  const total = sizes.total + beside.reduce((a, b) => a + b.sizes.total, 0);
  const perDayGiB = (total / rows) * REFERENCE_MODELS * ROUNDS_PER_DAY / 2 ** 30;
  console.log(`${label} (${rows} predictions, ${sizes.partitions} partition(s) holding them):`);
  console.log(`  heap          ${per(sizes.heap)}`);
  console.log(`  TOAST         ${per(sizes.toast)}`);
  for (const index of sizes.indexes) console.log(`  ${index.name.padEnd(34)} ${per(index.bytes)}`);
  console.log(`  total         ${per(sizes.total)}   (pg_total_relation_size)`);
  for (const c of columns) console.log(`  avg ${c.column.startsWith('payload ') ? c.column : `pg_column_size(${c.column})`} ${c.avg.toFixed(0)} B`);
  for (const b of beside) {
    console.log(`  ${b.table}: total ${per(b.sizes.total)} (heap ${per(b.sizes.heap).trim()}; ${b.sizes.indexes.map((i) => `${i.name} ${per(i.bytes).trim()}`).join(', ')})`);
  }
  if (beside.length > 0) console.log(`  all tables    ${per(total)}`);
  console.log(`  10,000 models x ${ROUNDS_PER_DAY} hourly rounds a day: ${perDayGiB.toFixed(1)} GiB per day, ${(perDayGiB * 30).toFixed(0)} GiB over 30 days of retention`);
}

async function main(): Promise<void> {
  const models = Number(process.argv[2] ?? 1000);
  const rounds = Number(process.argv[3] ?? 20);
  if (!Number.isInteger(models) || models < 1 || !Number.isInteger(rounds) || rounds < 1) throw new Error('usage: storage-size.js [models>=1] [rounds>=1]');
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = await benchDatabase('postgres');
  const ds = db.dataSource;
  try {
    const repo = new PredictionRoundRepository(ds);
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('bench', 'bench', '{}')`);
    const configs = ASSETS.map((asset) => ({ id: randomUUID(), asset, horizon: HORIZON, step: STEP }));
    for (const c of configs) {
      await ds.query(`INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, 'bench', $2, $3, $4, $5, 'hourly')`, [
        c.id,
        c.asset,
        HORIZON,
        STEP,
        CONFIG_INTERVAL_S,
      ]);
    }
    const pastDays = Number(process.env.STORAGE_PAST_DAYS ?? 30);
    const [{ relkind }]: Array<{ relkind: string }> = await ds.query(`SELECT relkind FROM pg_class WHERE oid = 'predictions'::regclass`);
    if (relkind === 'p') {
      const partitions = new PredictionPartitionRepository(ds);
      for (let d = pastDays; d >= 1; d--) await partitions.create(T0 - d * 86_400_000, T0 - (d - 1) * 86_400_000);
    }
    const next = seededRandom(17);
    let insertMs = 0;
    const stored: Array<{ round: PredictionRoundRecord; ids: string[] }> = [];
    for (let r = 0; r < rounds; r++) {
      const config = configs[r % configs.length];
      const at = new Date(T0 + r * ROUND_SPACING_MS);
      const round: PredictionRoundRecord = { id: randomUUID(), competitionId: 'bench', configId: config.id, scheduledAt: at, performedAt: at, resolvableAt: new Date(at.getTime() + HORIZON * 1000) };
      await repo.claim(round);
      const predictions: PredictionRecord[] = Array.from({ length: models }, (_, m) => ({
        id: randomUUID(),
        modelId: `model-${m}`,
        status: 'SUCCESS',
        execTimeUs: 2000 + Math.round(next() * 50_000),
        payloadJson: mixturePayload(next),
        failureReason: null,
      }));
      const began = performance.now();
      const outcome = await repo.insertPredictions(round, config, predictions);
      insertMs += performance.now() - began;
      if (outcome.inserted !== models) throw new Error(`round ${r}: ${outcome.inserted}/${models} inserted`);
      stored.push({ round, ids: predictions.map((p) => p.id) });
    }
    const rows = rounds * models;
    const [{ apart }]: Array<{ apart: boolean }> = await ds.query(`SELECT to_regclass('prediction_scores') IS NOT NULL AS apart`);
    await ds.query(`VACUUM ANALYZE predictions`);
    if (apart) await ds.query(`VACUUM ANALYZE prediction_unscored`);
    report('after insert', await relationSizes(ds, 'predictions'), rows, await columnSizes(ds), await companions(ds));

    let scoreMs = 0;
    for (const { round, ids } of stored) {
      const scores = ids.map((id) => ({ id, performedAtMs: round.performedAt.getTime(), value: next() * 400, success: true, failedReason: null }));
      const began = performance.now();
      await ds.transaction(async (em) => {
        await repo.claimUnscored(em, [round.id], round.resolvableAt.getTime() + 60_000);
        await repo.writeScores(em, scores, round.resolvableAt.getTime() + 60_000);
      });
      scoreMs += performance.now() - began;
    }
    await ds.query(`VACUUM ANALYZE predictions`);
    if (apart) await ds.query(`VACUUM ANALYZE prediction_scores, prediction_unscored`);
    report('after scoring and VACUUM', await relationSizes(ds, 'predictions'), rows, await columnSizes(ds), await companions(ds));
    console.log(`insertPredictions ${(insertMs / rounds).toFixed(0)} ms per round of ${models}; writeScores ${(scoreMs / rounds).toFixed(0)} ms per round (${db.label})`);

    const cutoff = new Date(T0 + 2 * 86_400_000);
    const began = performance.now();
    let removed: number;
    let how: string;
    const today = (await new PredictionPartitionRepository(ds).partitions())?.find((p) => p.fromMs <= T0 && T0 < p.toMs);
    if (today) {
      removed = (await new PredictionPartitionRepository(ds).dropIfScoredBefore(today, cutoff)) ?? 0;
      how = `dropping ${today.name}`;
    } else {
      removed = await repo.prunePredictionsScoredBefore(cutoff);
      await ds.query(`VACUUM predictions`);
      how = 'row-wise DELETE + VACUUM';
    }
    console.log(`retention removing the ${removed} predictions: ${(performance.now() - began).toFixed(0)} ms (${how})`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
