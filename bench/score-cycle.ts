/**
 * One full scoring cycle over 100,000 resolvable predictions of the hourly reference config
 * (horizon 3600, step 60: 60 steps, each a two-component normal mixture), scored with density-pdf:
 * claims, ground truth, scoring, score and bucket writes, snapshots and the leaderboard.
 *
 *   npm run build && node dist/bench/score-cycle.js [N=100000]                      # PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/score-cycle.js  # PostgreSQL
 *   SCORE_CYCLE_BATCH=500 SCORE_CYCLE_PROFILE=/tmp/cycle.cpuprofile node dist/bench/score-cycle.js 20000
 *   SCORE_CYCLE_PAYLOAD=text node dist/bench/score-cycle.js 20000   # payloads stored as JSON text only (rows from before the compact form)
 *   SCORE_CYCLE_AHEAD=1 node dist/bench/score-cycle.js 100000   # batches read and scored ahead of the claim (default 2)
 *
 * Prints the cycle's wall time and CPU time: this process (with PGlite, the embedded server runs
 * in it too) and, for a PostgreSQL server on this machine, its backends (from /proc). The machine
 * may be shared, so CPU seconds are the figures to compare. SCORE_CYCLE_PROFILE writes a V8 CPU
 * profile of the cycle alone (not the setup).
 *
 * 1000 models answer rounds round-robined over BTC, ETH, SOL, XAU; payloads come from 64 distinct
 * templates (generated in SQL, so setup does not dominate), stored as the insert path stores them
 * (compact, density-payload-codec.ts) and decoded per row like real ones.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { VirtualClock } from '../src/clock/clock';
import type { CompetitionDefinition } from '../src/config/competition/competition.types';
import { benchCompetition } from './bench-competition';
import { LeaderboardRepository } from '../src/leaderboard/leaderboard.repository';
import { LeaderboardService } from '../src/leaderboard/leaderboard.service';
import type { GroundTruthAnswer, GroundTruthQuery, GroundTruthSource } from '../src/score/ground-truth.source';
import { ModelRegistryRepository } from '../src/predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../src/predict/round/prediction-round.repository';
import { ScoreCycleService } from '../src/score/score-cycle.service';
import { ScoreCommitmentRepository } from '../src/score/score-commitment.repository';
import { ScoreSnapshotRepository } from '../src/score/score-snapshot.repository';
import { ScoreWindowRepository } from '../src/score/score-window.repository';
import { ScorerRegistry } from '../src/score/scorers/scorer.registry';
import { backendCpuSeconds, cpuSpent } from './backend-cpu';
import { benchDatabase } from './bench-database';
import { PredictionPartitionRepository } from '../src/predict/round/prediction-partitions.repository';
import { encodePayload, payloadBytesSql } from '../src/predict/round/density-payload-codec';

const ASSETS = ['BTC', 'ETH', 'SOL', 'XAU'];
const MODELS = 1000;
const T0 = Date.UTC(2026, 0, 1);

/** A smooth synthetic price path (the benchmark's ground truth). */
class SyntheticTruth implements GroundTruthSource {
  async groundTruth(q: GroundTruthQuery): Promise<GroundTruthAnswer> {
    const price = (ms: number) => 100 * Math.exp(0.01 * Math.sin(ms / 7e6 + q.subject.length) + 0.002 * Math.sin(ms / 5.3e5));
    const values: number[] = [];
    for (let k = 0; k < q.horizon / q.step; k++) values.push(Math.log(price(q.performedAtMs + (k + 1) * q.step * 1000)) - Math.log(price(q.performedAtMs + k * q.step * 1000)));
    return { ok: true, values };
  }
}

function competition(): CompetitionDefinition {
  return benchCompetition(ASSETS.map((asset, order) => ({ asset, horizon: 3600, step: 60, interval: 720, active: true, order, group: 'hourly' })));
}

/** Accumulates the wall time of every method of a repository, per method name. */
function timeMethods(repo: object, into: Map<string, number>): void {
  const proto = Object.getPrototypeOf(repo) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const method = proto[name];
    if (name === 'constructor' || typeof method !== 'function') continue;
    (repo as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
      } finally {
        into.set(name, (into.get(name) ?? 0) + performance.now() - started);
      }
    };
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  const textOnly = process.env.SCORE_CYCLE_PAYLOAD === 'text';
  const db = await benchDatabase(engine);
  const ds = db.dataSource;
  const def = competition();
  try {
    const setupStarted = Date.now();
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('bench', 'bench', '{}')`);
    const configIds = ASSETS.map(() => randomUUID());
    for (let i = 0; i < ASSETS.length; i++) {
      await ds.query(`INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, 'bench', $2, 3600, 60, 720, 'hourly')`, [configIds[i], ASSETS[i]]);
    }
    await ds.query(`INSERT INTO models (id, competition_id, name) SELECT 'model-' || g, 'bench', 'model ' || g FROM generate_series(1, ${MODELS}) g`);
    // The partitions a live node keeps with the reference 30-day retention (the retention job creates
    // them daily, three ahead), so the cycle's rows sit in a dated partition among 33, as live.
    const partitionRepository = new PredictionPartitionRepository(ds);
    await partitionRepository.createAhead(T0 - 29 * 86_400_000, 1, 32);
    const partitions = (await partitionRepository.partitions()) ?? [];
    const rounds = Math.ceil(count / MODELS);
    const roundIds = Array.from({ length: rounds }, () => randomUUID());
    // Round r: asset r % 4, every 180 s (the hourly group round-robined over four assets).
    await ds.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at)
       SELECT id, 'bench', ($2::uuid[])[(r % 4) + 1], $3::timestamptz + r * interval '180 seconds', $3::timestamptz + r * interval '180 seconds', $3::timestamptz + r * interval '180 seconds' + interval '3600 seconds'
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, r1), LATERAL (SELECT (r1 - 1)::int AS r) rr`,
      [roundIds, configIds, new Date(T0)],
    );
    await ds.query(`CREATE TEMP TABLE payload_templates AS
      SELECT t AS template, jsonb_agg(jsonb_build_object('type', 'mixture', 'components', jsonb_build_array(
               jsonb_build_object('density', jsonb_build_object('type', 'builtin', 'name', 'norm', 'params', jsonb_build_object('loc', (t - 32) * 1e-6 + k * 1e-7, 'scale', 5e-4 + t * 2e-5)), 'weight', 0.6 + t * 0.005),
               jsonb_build_object('density', jsonb_build_object('type', 'builtin', 'name', 'norm', 'params', jsonb_build_object('loc', 0, 'scale', 2e-3 + t * 3e-5)), 'weight', 0.4 - t * 0.005)))
             ORDER BY k) AS payload
        FROM generate_series(0, 63) t, generate_series(1, 60) k GROUP BY t`);
    // Each template as the insert path stores it: compact when the codec renders its text back, else the text.
    const templates: Array<{ template: number; text: string }> = await ds.query(`SELECT template, payload::text AS text FROM payload_templates`);
    await ds.query(`ALTER TABLE payload_templates ADD COLUMN compact bytea`);
    for (const { template, text } of templates) {
      const compact = textOnly ? null : encodePayload(JSON.stringify(JSON.parse(text)));
      if (compact) await ds.query(`UPDATE payload_templates SET compact = $2, payload = NULL WHERE template = $1`, [template, compact]);
      else await ds.query(`UPDATE payload_templates SET payload = $2::jsonb WHERE template = $1`, [template, JSON.stringify(JSON.parse(text))]);
    }
    for (let start = 0; start < rounds; start += 10) {
      await ds.query(
        `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, payload, payload_compact, performed_at, resolvable_at)
         SELECT gen_random_uuid(), r.id, 'model-' || m, r.config_id, c.asset, 3600, 60, 'SUCCESS', pt.payload, pt.compact, r.performed_at, r.resolvable_at
           FROM prediction_rounds r JOIN prediction_configs c ON c.id = r.config_id
           CROSS JOIN generate_series(1, ${MODELS}) m
           JOIN payload_templates pt ON pt.template = ((m + extract(epoch FROM r.performed_at)::bigint / 180) % 64)::int
          WHERE r.id = ANY($1::uuid[])`,
        [roundIds.slice(start, start + 10)],
      );
    }
    await ds.query(`ANALYZE`);
    const setupMs = Date.now() - setupStarted;
    const [stored]: Array<{ text_bytes: number; compact_bytes: number | null; column_bytes: number }> = await ds.query(
      `SELECT avg(${payloadBytesSql('predictions')})::float8 AS text_bytes, avg(octet_length(payload_compact))::float8 AS compact_bytes,
              avg(coalesce(pg_column_size(payload), 0) + coalesce(pg_column_size(payload_compact), 0))::float8 AS column_bytes FROM predictions`,
    );

    const clock = new VirtualClock(T0 + rounds * 180_000 + 3_600_000);
    const registry = new ScorerRegistry();
    let scoringMs = 0;
    const realScore = registry.score.bind(registry);
    registry.score = (name, input) => {
      const started = performance.now();
      const outcome = realScore(name, input);
      scoringMs += performance.now() - started;
      return outcome;
    };
    const phases = new Map<string, number>();
    const snapshots = new ScoreSnapshotRepository(ds);
    const repositories = [new PredictionRoundRepository(ds), new ScoreWindowRepository(ds), new ScoreCommitmentRepository(ds, snapshots)] as const;
    for (const repo of repositories) timeMethods(repo, phases); // the snapshots are written by the commitment's publish
    const cycles = new ScoreCycleService(
      def, clock, registry, new SyntheticTruth(), ds, ...repositories,
      { batchPredictions: Number(process.env.SCORE_CYCLE_BATCH ?? 1000), preparedAhead: process.env.SCORE_CYCLE_AHEAD ? Number(process.env.SCORE_CYCLE_AHEAD) : undefined },
    );
    const leaderboard = new LeaderboardService(def, new LeaderboardRepository(ds), cycles, new ModelRegistryRepository(ds), new PredictionRoundRepository(ds));
    leaderboard.onModuleInit();
    const profilePath = process.env.SCORE_CYCLE_PROFILE;
    const profiler = profilePath ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const serverBefore = engine === 'postgres' ? await backendCpuSeconds(ds) : new Map<number, number>();
    const [{ lsn: walBefore }]: Array<{ lsn: string }> = await ds.query(`SELECT pg_current_wal_lsn()::text AS lsn`);
    let gcMs = 0;
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) gcMs += entry.duration;
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await cycles.runCycle();
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    await new Promise<void>((resolve) => setImmediate(resolve)); // the last GC entries are delivered
    gcObserver.disconnect();
    const serverCpu = engine === 'postgres' ? cpuSpent(serverBefore, await backendCpuSeconds(ds)) : 0;
    const [{ bytes: walBytes }]: Array<{ bytes: string }> = await ds.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes`, [walBefore]);
    if (profiler && profilePath) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(profilePath, JSON.stringify(profile));
      profiler.disconnect();
    }
    const check: Array<{ n: number; ok: number }> = await ds.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE score_success)::int AS ok FROM predictions_with_scores WHERE scored_at IS NOT NULL`);
    console.log(`engine: ${db.label}`);
    console.log(`setup: ${rounds} rounds x ${MODELS} models = ${check[0].n} predictions (${check[0].ok} scored successfully) in ${(setupMs / 1000).toFixed(1)} s, in a table of ${partitions.length} partitions`);
    console.log(
      `payloads: ${stored.compact_bytes === null ? 'JSON text' : 'compact'}, per prediction: text ${Math.round(stored.text_bytes)} bytes` +
        (stored.compact_bytes === null ? '' : `, compact ${Math.round(stored.compact_bytes)} bytes`) +
        `, stored ${Math.round(stored.column_bytes)} bytes (pg_column_size; the 64 templates' numbers repeat, so they compress far better than real answers)`,
    );
    console.log(`full cycle: ${result!.scored} predictions in ${(elapsed / 1000).toFixed(2)} s = ${Math.round(result!.scored / (elapsed / 1000))} predictions/s`);
    console.log(
      `  CPU: this process ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)})` +
        (engine === 'postgres' ? `, PostgreSQL backends ${serverCpu.toFixed(2)} s` : ' (the embedded server included)'),
    );
    console.log(`  WAL written during the cycle: ${(Number(walBytes) / 1e6).toFixed(1)} MB (${Math.round(Number(walBytes) / result!.scored)} bytes per prediction)`);
    console.log(`  of which scoring (density-pdf, CPU): ${(scoringMs / 1000).toFixed(2)} s; database, payload decoding and the rest: ${((elapsed - scoringMs) / 1000).toFixed(2)} s`);
    console.log(`  garbage collection in this process: ${(gcMs / 1000).toFixed(2)} s (PerformanceObserver 'gc', main thread pauses)`);
    console.log(`  database phases (s): ${[...phases].map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)}`).join(', ')}`);
    console.log(`  snapshots: ${result!.standings.length}, leaderboard entries: ${(await leaderboard.latest())!.entries.length}`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
