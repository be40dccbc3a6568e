import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { VirtualClock } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { CompetitionRepository } from '../../src/competition/competition.repository';
import { CompetitionSyncService } from '../../src/competition/competition-sync.service';
import { PredictionConfigRepository } from '../../src/competition/prediction-config.repository';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { COMPETITION } from '../../src/config/competition/competition.tokens';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { DataSourceModule } from '../../src/data-source/data-source.module';
import { DataSourceService } from '../../src/data-source/data-source.service';
import { ModelRegistryRepository } from '../../src/predict/registry/model-registry.repository';
import { PredictionRoundRepository } from '../../src/predict/round/prediction-round.repository';
import { PredictionRoundService } from '../../src/predict/round/prediction-round.service';
import { nextRoundAt, roundSlots } from '../../src/predict/schedule/round-schedule';
import { FakeFleet, fleetModel } from '../predict/support/fake-fleet';
import { clearScoringTables, startScoring } from '../score/support/scoring-harness';
import { describeEachEngine } from '../support/test-database';

// The JS tracker, run in-process on the coordinator's side (what its model would answer).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ParityTracker } = require('./fixtures/parity-tracker.js') as { ParityTracker: new () => JsTracker };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsBacktest = require('../../deployment/packages/js/crunch_synth/backtest.js') as { main: (argv: string[], io: { stdout: (t: string) => void; stderr: (t: string) => void; cwd: string }) => number };

interface JsTracker {
  tick(data: Record<string, Array<[number, number]>>): void;
  predict_all(asset: string, horizon: number, steps: number[]): unknown;
}

interface BacktestOutput {
  predictions: Array<{ performed_at: number; asset: string; horizon: number; step: number; score: number | null; reason: string | null }>;
  mean_score: number | null;
}

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures');
const T0 = Date.UTC(2026, 0, 1); // a multiple of the 720 s interval: rounds start at once
const MINUTES = 300;
/** BTC has no price at these minutes: one increment of step 60 is then priced twice by minute 99 (left out). */
const BTC_GAP = [100, 101, 102];
const STEPS = [60, 300, 900, 1800, 3600];
const TOLERANCE = 1e-9;

function price(asset: string, minute: number): number {
  return asset === 'BTC' ? 90_000 + 350 * Math.sin(minute / 17) + 40 * Math.cos(minute / 3.1) + minute : 3_000 + 25 * Math.cos(minute / 11) + 4 * Math.sin(minute / 2.3);
}

/** The game's "1h" profile (horizon 3600 s, steps 60..3600, every 720 s) for BTC and ETH, on a csv feed of the price file. */
function parityCompetition(priceFile: string): CompetitionDefinition {
  const synth = loadCompetitionFile(path.join(ROOT, 'competitions/synth-demo.yaml'));
  return {
    ...synth,
    id: 'backtest-parity',
    feed: { adapter: 'csv', options: { path: priceFile }, subjects: ['BTC', 'ETH'], granularity: 60, historySeconds: 2 * 86_400, stalenessSeconds: 120, pollSeconds: 60 },
    tick: { ...synth.tick, interval: 60 },
    predictions: ['BTC', 'ETH'].map((asset, order) => ({ asset, horizon: 3600, step: 60, steps: STEPS, interval: 720, active: true, order, group: '1h' })),
  };
}

function writePriceFile(file: string): void {
  const lines = ['subject,ts,price'];
  for (const asset of ['BTC', 'ETH']) {
    for (let m = 0; m < MINUTES; m++) {
      if (asset === 'BTC' && BTC_GAP.includes(m)) continue;
      lines.push(`${asset},${T0 / 1000 + m * 60},${price(asset, m)}`);
    }
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

const backtestFlags = (priceFile: string) => [
  '--prices', priceFile,
  ...['BTC', 'ETH'].flatMap((asset) => ['--prediction', `${asset}:3600:${STEPS.join(',')}:720:1h`]),
  '--tick-interval', '60', '--staleness', '120', '--json',
];

function pythonBacktest(priceFile: string): BacktestOutput | null {
  const probe = spawnSync('python3', ['-c', 'import sys'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const run = spawnSync('python3', ['-m', 'crunch_synth.backtest', '--tracker', 'parity_tracker:ParityTracker', ...backtestFlags(priceFile)], {
    cwd: FIXTURES,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: [path.join(ROOT, 'deployment/packages/python'), FIXTURES].join(path.delimiter) },
  });
  if (run.status !== 0) throw new Error(`python backtest failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as BacktestOutput;
}

function javascriptBacktest(priceFile: string): BacktestOutput {
  let out = '';
  let err = '';
  const code = jsBacktest.main(['--tracker', './parity-tracker.js:ParityTracker', ...backtestFlags(priceFile)], { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: FIXTURES });
  if (code !== 0) throw new Error(`js backtest failed: ${err}`);
  return JSON.parse(out) as BacktestOutput;
}

/** The coordinator's data source on the price file, loaded as a node started after the last price would have it. */
async function startDataSource(competition: CompetitionDefinition, ds: DataSource, nowMs: number): Promise<{ module: TestingModule; data: DataSourceService }> {
  @Module({})
  class Environment {}
  const environment: DynamicModule = {
    module: Environment,
    global: true,
    providers: [
      { provide: COMPETITION, useValue: competition },
      { provide: DataSource, useValue: ds },
    ],
    exports: [COMPETITION, DataSource],
  };
  const module = await Test.createTestingModule({ imports: [environment, ClockModule.forRoot(new VirtualClock(nowMs)), DataSourceModule] }).compile();
  module.useLogger(false);
  await module.init();
  const data = module.get(DataSourceService);
  await data.start();
  return { module, data };
}

const key = (performedAtMs: number, asset: string) => `${new Date(performedAtMs).toISOString()} ${asset}`;

describeEachEngine('the backtest helpers score a tracker as the coordinator does', (db) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-backtest-'));
  const priceFile = path.join(dir, 'prices.csv');
  writePriceFile(priceFile);
  const competition = parityCompetition(priceFile);
  const endMs = T0 + (MINUTES - 1) * 60_000;
  /** Coordinator scores by `key(performed_at, asset)`. */
  const coordinator = new Map<string, number>();
  let instants: string[] = [];

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const ds = db().dataSource;
    await clearScoringTables(ds);
    await ds.query('TRUNCATE feed_records');
    const configs = new PredictionConfigRepository(ds);
    await new CompetitionSyncService(ds, competition, new CompetitionRepository(), configs).synced();

    // The coordinator's own schedule over the file: every slot whose horizon the file covers.
    const slots = roundSlots(await configs.active(competition.id));
    const rounds = slots
      .flatMap((slot) => {
        const times: number[] = [];
        for (let t = nextRoundAt(slot, T0 - 1); t + slot.config.horizon * 1000 <= endMs; t += slot.everyMs) times.push(t);
        return times.map((t) => ({ t, config: slot.config }));
      })
      .sort((a, b) => a.t - b.t);
    instants = rounds.map((r) => key(r.t, r.config.asset));

    const { module, data } = await startDataSource(competition, ds, endMs + 60_000);
    try {
      // The model: the JS tracker, ticked every minute with the prices of each minute (the history first), then predict_all.
      const tracker = new ParityTracker();
      const fleet = new FakeFleet();
      fleet.join(fleetModel('parity'), (method, args) => {
        if (method !== 'predict_all') return { status: 'SUCCESS', result: null };
        const [asset, horizon, steps] = args.positional.map((a) => a.value) as [string, number, number[]];
        return { status: 'SUCCESS', result: tracker.predict_all(asset, horizon, steps) };
      });
      const roundClock = new VirtualClock(T0);
      const roundService = new PredictionRoundService(fleet, competition, new PredictionRoundRepository(ds), new ModelRegistryRepository(ds), roundClock);
      const window = data.tickPayload();
      let tickedThrough = -Infinity;
      for (const { t, config } of rounds) {
        for (let tick = Math.max(T0, tickedThrough + 60_000); tick <= t; tick += 60_000) {
          const since = tickedThrough;
          tracker.tick(Object.fromEntries(Object.entries(window).map(([asset, points]) => [asset, points.filter(([ts]) => ts * 1000 > since && ts * 1000 <= tick)])));
          tickedThrough = tick;
        }
        await roundClock.advanceTo(t);
        await roundService.run(config, new Date(t));
      }

      // The coordinator's scoring: the score cycle, the synth-crps scorer and the data source's ground truth.
      const scoring = await startScoring(ds, competition, new VirtualClock(endMs + 120_000), data, { schedule: false });
      try {
        while (((await scoring.cycles.runCycle())?.scored ?? 0) > 0);
      } finally {
        await scoring.close();
      }
      const rows: Array<{ performed_at: Date; asset: string; score_value: number; score_success: boolean; score_failed_reason: string | null }> = await ds.query(
        `SELECT performed_at, asset, score_value, score_success, score_failed_reason FROM predictions_with_scores ORDER BY performed_at`,
      );
      for (const row of rows) {
        if (!row.score_success) throw new Error(`the coordinator could not score ${key(row.performed_at.getTime(), row.asset)}: ${row.score_failed_reason}`);
        coordinator.set(key(row.performed_at.getTime(), row.asset), row.score_value);
      }
    } finally {
      await data.stop();
      await module.close();
    }
  }, 240_000);

  function expectSameScores(output: BacktestOutput): void {
    const scores = new Map(output.predictions.map((p) => [key(p.performed_at * 1000, p.asset), p]));
    // The same rounds as the coordinator's schedule, each scored, each within 1e-9 relative of the coordinator's score.
    expect([...scores.keys()]).toEqual(instants);
    expect(coordinator.size).toBe(instants.length);
    const worst = Math.max(
      ...instants.map((k) => {
        const ours = scores.get(k)!;
        if (ours.score === null) throw new Error(`${k}: not scored by the backtest (${ours.reason})`);
        return Math.abs(ours.score - coordinator.get(k)!) / Math.abs(coordinator.get(k)!);
      }),
    );
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  }

  it('runs the rounds of the coordinator schedule (BTC and ETH round-robined every 720 s) over the file', () => {
    expect(instants.slice(0, 3)).toEqual([key(T0, 'BTC'), key(T0 + 360_000, 'ETH'), key(T0 + 720_000, 'BTC')]);
    expect(instants).toHaveLength(40); // 20 each: the last round's horizon ends by minute 299
  });

  it('gives the coordinator’s scores with the JavaScript helper (crunch_synth/backtest.js)', () => {
    expectSameScores(javascriptBacktest(priceFile));
  });

  it('gives the coordinator’s scores with the Python helper (python3 -m crunch_synth.backtest)', () => {
    const output = pythonBacktest(priceFile);
    if (output === null) {
      console.warn('SKIPPED: python3 is not installed, the Python backtest helper was not compared');
      return;
    }
    expectSameScores(output);
  });
});
