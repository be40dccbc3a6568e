/**
 * Leaderboard refresh on a big history: 10,000,000 scored predictions (1000 models x 8 parameter
 * sets x 1250 rounds over ~7 days) in PostgreSQL. The refresh reads the hourly score buckets
 * (1000 x 8 x ~168 rows), never the predictions, except one index probe per model for its last status.
 *
 *   npm run build && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/leaderboard-refresh.js [rounds-per-param=1250]
 *
 * Rows are bulk-generated with generate_series (secondary indexes are built after loading), and the
 * buckets are filled from them with one GROUP BY, which is what the cycles build incrementally.
 * Timed, five times a minute apart: windows + per-model snapshots + ranking + storing the
 * leaderboard. The first run sums the buckets; the later ones, in the same hour with nothing else
 * writing, use the totals the cycle keeps (src/score/window-totals-cache.ts) after one version read.
 */
import { VirtualClock } from '../src/clock/clock';
import type { CompetitionDefinition } from '../src/config/competition/competition.types';
import { benchCompetition } from './bench-competition';
import { LeaderboardRepository } from '../src/leaderboard/leaderboard.repository';
import { LeaderboardService } from '../src/leaderboard/leaderboard.service';
import type { GroundTruthSource } from '../src/score/ground-truth.source';
import { ModelRegistryRepository } from '../src/predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../src/predict/round/prediction-round.repository';
import { ScoreCycleService } from '../src/score/score-cycle.service';
import { ScoreCommitmentRepository } from '../src/score/score-commitment.repository';
import { ScoreSnapshotRepository } from '../src/score/score-snapshot.repository';
import { ScoreWindowRepository } from '../src/score/score-window.repository';
import { ScorerRegistry } from '../src/score/scorers/scorer.registry';
import { benchDatabase } from './bench-database';
import { storeScores } from './stored-scores';

const MODELS = 1000;
const ASSETS = ['BTC', 'ETH', 'SOL', 'XAU'];
const CONFIGS = ASSETS.flatMap((asset) => [
  { asset, horizon: 3600, step: 60 },
  { asset, horizon: 86400, step: 300 },
]);
const T0 = Date.UTC(2026, 0, 1);
const ROUND_SPACING_S = 480;

function competition(): CompetitionDefinition {
  return benchCompetition(CONFIGS.map((c, order) => ({ ...c, interval: 3600, active: true, order, group: String(c.horizon) })));
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL (this benchmark runs on PostgreSQL)');
  const roundsPerParam = Number(process.argv[2] ?? 1250);
  const db = await benchDatabase('postgres');
  const ds = db.dataSource;
  const def = competition();
  try {
    let started = Date.now();
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('bench', 'bench', '{}')`);
    await ds.query(
      `INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group", "order")
       SELECT gen_random_uuid(), 'bench', a, h, s, 3600, h::text, o FROM unnest($1::text[], $2::int[], $3::int[]) WITH ORDINALITY AS c(a, h, s, o)`,
      [CONFIGS.map((c) => c.asset), CONFIGS.map((c) => c.horizon), CONFIGS.map((c) => c.step)],
    );
    await ds.query(`INSERT INTO models (id, competition_id, name, cruncher_id, cruncher_name) SELECT 'model-' || g, 'bench', 'model ' || g, 'c' || g, 'cruncher ' || g FROM generate_series(1, ${MODELS}) g`);
    // Every round resolves within the last ~7 days before "now".
    const nowMs = T0 + roundsPerParam * ROUND_SPACING_S * 1000 + 86_400_000;
    await ds.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at)
       SELECT gen_random_uuid(), 'bench', c.id, t, t, t + c.horizon * interval '1 second'
         FROM prediction_configs c,
              LATERAL (SELECT $1::timestamptz + (r * ${ROUND_SPACING_S} + c."order" * 60) * interval '1 second' + (86400 - c.horizon) * interval '1 second' AS t
                         FROM generate_series(0, $2::int - 1) r) times`,
      [new Date(T0), roundsPerParam],
    );
    await ds.query(`DROP INDEX predictions_model_performed_idx`);
    const rounds: Array<{ id: string }> = await ds.query(`SELECT id FROM prediction_rounds ORDER BY performed_at`);
    for (let start = 0; start < rounds.length; start += 500) {
      await ds.query(
        `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, performed_at, resolvable_at)
         SELECT gen_random_uuid(), r.id, 'model-' || m, r.config_id, c.asset, c.horizon, c.step,
                CASE WHEN (m * 7 + extract(epoch FROM r.performed_at)::bigint / 60) % 50 = 0 THEN 'FAILED' ELSE 'SUCCESS' END,
                r.performed_at, r.resolvable_at
           FROM prediction_rounds r JOIN prediction_configs c ON c.id = r.config_id CROSS JOIN generate_series(1, ${MODELS}) m
          WHERE r.id = ANY($1::uuid[])`,
        [rounds.slice(start, start + 500).map((r) => r.id)],
      );
      await storeScores(
        ds,
        `SELECT p.id, p.performed_at, (hashtext(p.round_id::text || substr(p.model_id, 7)) % 1000 + 1000) / 10.0 + substr(p.model_id, 7)::int % 97 AS score_value,
                true AS score_success, NULL::text AS score_failed_reason, p.resolvable_at AS scored_at
           FROM predictions p WHERE p.round_id = ANY($1::uuid[])`,
        [rounds.slice(start, start + 500).map((r) => r.id)],
      );
    }
    await ds.query(`CREATE INDEX predictions_model_performed_idx ON predictions (model_id, performed_at DESC)`);
    await ds.query(
      `INSERT INTO score_buckets (model_id, param, bucket_start, score_sum, score_count, failed_count)
       SELECT model_id, asset || '-' || horizon || '-' || step, date_trunc('hour', resolvable_at), sum(score_value), count(score_value), count(*) FILTER (WHERE NOT score_success)
         FROM predictions_with_scores GROUP BY 1, 2, 3`,
    );
    await ds.query(
      `INSERT INTO score_coverage (model_id, param, first_bucket_start) SELECT model_id, param, min(bucket_start) FROM score_buckets GROUP BY 1, 2`,
    );
    await ds.query(`VACUUM ANALYZE`);
    const counts: Array<{ predictions: string; buckets: string }> = await ds.query(
      `SELECT (SELECT count(*) FROM predictions)::text AS predictions, (SELECT count(*) FROM score_buckets)::text AS buckets`,
    );
    console.log(`engine: ${db.label}`);
    console.log(`setup: ${counts[0].predictions} scored predictions, ${counts[0].buckets} score buckets, in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const clock = new VirtualClock(nowMs);
    const noTruth: GroundTruthSource = { groundTruth: async () => ({ ok: false, reason: 'unused', retryable: true }) };
    const windows = new ScoreWindowRepository(ds);
    let bucketReads = 0;
    const readState = windows.readState.bind(windows);
    windows.readState = (...args) => {
      bucketReads++;
      return readState(...args);
    };
    const cycles = new ScoreCycleService(
      def, clock, new ScorerRegistry(), noTruth, ds,
      new PredictionRoundRepository(ds), windows, new ScoreCommitmentRepository(ds, new ScoreSnapshotRepository(ds)),
    );
    const leaderboard = new LeaderboardService(def, new LeaderboardRepository(ds), cycles, new ModelRegistryRepository(ds), new PredictionRoundRepository(ds));
    const snapshots = new ScoreSnapshotRepository(ds);
    const timings: Array<{ windows: number; snapshots: number; leaderboard: number; summed: boolean }> = [];
    for (let run = 0; run < 5; run++) {
      await clock.advance(60_000);
      started = performance.now();
      const readsBefore = bucketReads;
      const standings = await cycles.standingsAt(clock.nowMs());
      const windowsMs = performance.now() - started;
      await snapshots.insert(standings, clock.nowMs());
      const snapshotsMs = performance.now() - started - windowsMs;
      const board = await leaderboard.refresh(standings, clock.now(), 'higher');
      const leaderboardMs = performance.now() - started - windowsMs - snapshotsMs;
      timings.push({ windows: windowsMs, snapshots: snapshotsMs, leaderboard: leaderboardMs, summed: bucketReads > readsBefore });
      if (run === 0) console.log(`leaderboard: ${board.entries.length} entries, #1 ${board.entries[0].model_id} anchor ${board.entries[0].score_anchor?.toFixed(3)} over ${board.entries[0].scored_count} predictions`);
    }
    for (const t of timings) {
      console.log(`refresh: ${(t.windows + t.snapshots + t.leaderboard).toFixed(0)} ms  (windows ${t.summed ? 'summed from the buckets' : 'kept from the last cycle'} ${t.windows.toFixed(0)} ms, ${MODELS} snapshots ${t.snapshots.toFixed(0)} ms, rank + last status + store ${t.leaderboard.toFixed(0)} ms)`);
    }
    const totals = timings.map((t) => t.windows + t.snapshots + t.leaderboard).sort((a, b) => a - b);
    console.log(`median refresh: ${totals[2].toFixed(0)} ms`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
