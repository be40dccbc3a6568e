/**
 * The rounds view's reads over a large history: GET /reports/rounds' repository query (newest
 * page, a page deep in the history, one model's rounds) and a model's latest predictions.
 * Seeds ROUNDS rounds of 50 models (every 10 s over the period, 6 parameter sets) with SQL
 * generate_series, then times each read (median of 20 runs).
 *
 *   npm run build && node dist/bench/rounds-report.js [ROUNDS=20000]                                   # PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/rounds-report.js 20000  # PostgreSQL
 */
import { PredictionRoundRepository } from '../src/predict/round/prediction-round.repository';
import { benchDatabase } from './bench-database';
import { storeScores } from './stored-scores';

const MODELS = 50;
const RUNS = 20;

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 20_000);
  const db = await benchDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  const ds = db.dataSource;
  try {
    await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('bench', 'bench', '{}'::jsonb)`);
    await ds.query(
      `INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group")
       SELECT gen_random_uuid(), 'bench', 'A' || n, 3600, 60, 60, 'g' FROM generate_series(1, 6) n`,
    );
    const started = Date.now();
    await ds.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at)
       SELECT gen_random_uuid(), 'bench', c.id, t, t, t + interval '1 hour'
         FROM generate_series(1, $1::int) n
         CROSS JOIN LATERAL (SELECT now() - n * interval '10 seconds' AS t) s
         CROSS JOIN LATERAL (SELECT id FROM prediction_configs ORDER BY asset OFFSET (n % 6) LIMIT 1) c`,
      [rounds],
    );
    await ds.query(
      `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, exec_time_us, performed_at, resolvable_at)
       SELECT gen_random_uuid(), r.id, 'm-' || m, r.config_id, c.asset, 3600, 60,
              (ARRAY['SUCCESS','SUCCESS','SUCCESS','FAILED','TIMEOUT','ABSENT'])[1 + (m + extract(epoch from r.performed_at)::int) % 6],
              1000 + m, r.performed_at, r.resolvable_at
         FROM prediction_rounds r JOIN prediction_configs c ON c.id = r.config_id CROSS JOIN generate_series(1, $1::int) m`,
      [MODELS],
    );
    await storeScores(ds, `SELECT id, performed_at, 0.1::float8 AS score_value, true AS score_success, NULL::text AS score_failed_reason, now() AS scored_at FROM predictions WHERE resolvable_at < now()`);
    await ds.query(`ANALYZE`);
    console.log(`${db.label}: ${rounds} rounds x ${MODELS} models = ${rounds * MODELS} predictions seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const repo = new PredictionRoundRepository(ds);
    const deep = await repo.recentRounds('bench', { limit: rounds / 2 });
    const middle = deep[deep.length - 1];
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['newest 50 rounds', () => repo.recentRounds('bench', { limit: 51 })],
      ['50 rounds half-way back (before=)', () => repo.recentRounds('bench', { limit: 51, before: { at: middle.cursorAt, id: middle.id } })],
      ["one model's newest 500 rounds", () => repo.recentRounds('bench', { limit: 501, modelId: 'm-7' })],
      ["one model's latest 50 predictions", () => repo.latestPredictions('m-7', { limit: 51 })],
    ];
    for (const [name, run] of cases) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        await run();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      console.log(`${name.padEnd(36)} median ${times[RUNS >> 1].toFixed(1)} ms, max ${times[RUNS - 1].toFixed(1)} ms`);
    }
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
