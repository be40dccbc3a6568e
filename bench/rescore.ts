/**
 * A rescore of a whole range after a scorer change: M models answer every hourly round of four
 * assets (horizon 3600, step 300: 12 normal densities each) for D days, scored by hourly cycles
 * with density-pdf; then the range is rescored with density-log-likelihood. Prints the setup,
 * then the rescore's two phases: rounds (ground truth again, scoring, bucket corrections and
 * score rewrites, batch by batch) and history (every cycle's snapshots, commitment, leaderboard).
 *
 *   npm run build && node dist/bench/rescore.js [MODELS=50] [DAYS=3]                       # PGlite
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/rescore.js 50 3  # PostgreSQL
 */
import { randomUUID } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AdminJobRepository } from '../src/admin/jobs/admin-job.repository';
import { VirtualClock } from '../src/clock/clock';
import { ClockModule } from '../src/clock/clock.module';
import { COMPETITION } from '../src/config/competition/competition.tokens';
import type { CompetitionDefinition } from '../src/config/competition/competition.types';
import type { GroundTruthAnswer, GroundTruthQuery, GroundTruthSource } from '../src/score/ground-truth.source';
import { GROUND_TRUTH } from '../src/score/ground-truth.source';
import { AdminJobRunner } from '../src/score/rescore/admin-job-runner.service';
import { rescoreJobParameters } from '../src/score/rescore/rescore-parameters';
import { RescoreModule } from '../src/score/rescore/rescore.module';
import { ScoreCycleService } from '../src/score/score-cycle.service';
import { benchCompetition } from './bench-competition';
import { benchDatabase } from './bench-database';

const ASSETS = ['BTC', 'ETH', 'SOL', 'XAU'];
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

class SyntheticTruth implements GroundTruthSource {
  async groundTruth(q: GroundTruthQuery): Promise<GroundTruthAnswer> {
    const price = (ms: number) => 100 * Math.exp(0.01 * Math.sin(ms / 7e6 + q.subject.length) + 0.002 * Math.sin(ms / 5.3e5));
    const values: number[] = [];
    for (let k = 0; k < q.horizon / q.step; k++) values.push(Math.log(price(q.performedAtMs + (k + 1) * q.step * 1000)) - Math.log(price(q.performedAtMs + k * q.step * 1000)));
    return { ok: true, values };
  }
}

function competition(scorer: string): CompetitionDefinition {
  const base = benchCompetition(ASSETS.map((asset, order) => ({ asset, horizon: 3600, step: 300, interval: 3600, active: true, order, group: 'hourly' })));
  return { ...base, scoring: { ...base.scoring, scorer, options: {} } };
}

async function app(ds: DataSource, definition: CompetitionDefinition, clock: VirtualClock) {
  @Global()
  @Module({
    providers: [
      { provide: DataSource, useValue: ds },
      { provide: COMPETITION, useValue: definition },
      { provide: GROUND_TRUTH, useValue: new SyntheticTruth() },
    ],
    exports: [DataSource, COMPETITION, GROUND_TRUTH],
  })
  class BenchModule {}
  @Module({ imports: [BenchModule, ClockModule.forRoot(clock), RescoreModule] })
  class BenchAppModule {}
  const context = await NestFactory.createApplicationContext(BenchAppModule, { logger: false });
  await context.init();
  return context;
}

async function seed(ds: DataSource, models: number, days: number): Promise<number> {
  await ds.query(`INSERT INTO competitions (id, name, definition) VALUES ('bench', 'bench', '{}')`);
  let predictions = 0;
  for (const asset of ASSETS) {
    const configId = randomUUID();
    await ds.query(`INSERT INTO prediction_configs (id, competition_id, asset, horizon, step, prediction_interval, "group") VALUES ($1, 'bench', $2, 3600, 300, 3600, 'hourly')`, [configId, asset]);
    const hours = Array.from({ length: days * 24 }, (_, h) => h);
    const roundIds = hours.map(() => randomUUID());
    await ds.query(
      `INSERT INTO prediction_rounds (id, competition_id, config_id, scheduled_at, performed_at, resolvable_at)
       SELECT id, 'bench', $2, t, t, t + interval '1 hour' FROM unnest($1::uuid[], $3::timestamptz[]) AS r(id, t)`,
      [roundIds, configId, hours.map((h) => new Date(T0 + h * HOUR))],
    );
    await ds.query(
      `INSERT INTO predictions (id, round_id, model_id, config_id, asset, horizon, step, status, payload, performed_at, resolvable_at)
       SELECT gen_random_uuid(), r.id, 'm' || m, $1, $2, 3600, 300, 'SUCCESS',
              d.payload, r.performed_at, r.resolvable_at
         FROM prediction_rounds r CROSS JOIN generate_series(1, $3::int) AS m
        CROSS JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object('type', 'builtin', 'name', 'norm', 'params', jsonb_build_object('loc', 0, 'scale', 0.002 + m * 0.00005 + 0 * k))) AS payload
            FROM generate_series(1, 12) AS k) d
        WHERE r.config_id = $1`,
      [configId, asset, models],
    );
    predictions += hours.length * models;
  }
  return predictions;
}

async function main(): Promise<void> {
  const models = Number(process.argv[2] ?? 50);
  const days = Number(process.argv[3] ?? 3);
  const db = await benchDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  try {
    const clock = new VirtualClock(T0);
    let started = Date.now();
    const predictions = await seed(db.dataSource, models, days);
    const scoredWithA = await app(db.dataSource, competition('density-pdf'), clock);
    for (let h = 1; h <= days * 24; h++) {
      await clock.advanceTo(T0 + h * HOUR);
      await scoredWithA.get(ScoreCycleService).runCycle();
    }
    await scoredWithA.close();
    console.log(`${db.label}: ${predictions} predictions (${models} models, ${ASSETS.length * days * 24} rounds), scored by ${days * 24} cycles in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const withB = await app(db.dataSource, competition('density-log-likelihood'), clock);
    const job = await withB.get(AdminJobRepository).create({ competitionId: 'bench', kind: 'rescore', parameters: rescoreJobParameters({ fromMs: T0, toMs: T0 + days * 24 * HOUR }), keyId: 'bench' });
    started = Date.now();
    let roundsDoneAt = 0;
    const cpu = process.cpuUsage();
    const outcome = await withB.get(AdminJobRunner).runOne(job, (p) => {
      if (p.phase === 'history' && roundsDoneAt === 0) roundsDoneAt = Date.now();
    });
    const wall = (Date.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const done = (await withB.get(AdminJobRepository).get('bench', job.id))!;
    const roundsWall = (roundsDoneAt - started) / 1000;
    console.log(`rescore ${JSON.stringify(outcome)}: ${wall.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU in this process`);
    console.log(`  rounds:  ${done.progress.roundsDone} in ${roundsWall.toFixed(1)} s (${(predictions / roundsWall).toFixed(0)} predictions/s)`);
    console.log(`  history: ${done.progress.cyclesDone} cycles in ${(wall - roundsWall).toFixed(1)} s (${((wall - roundsWall) * 1000 / Math.max(1, done.progress.cyclesDone)).toFixed(0)} ms per cycle)`);
    await withB.close();
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
