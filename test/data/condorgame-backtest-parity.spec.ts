import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { ParquetPriceFile } from '../../src/report/prices/parquet-price-file';
import { runReplay } from '../replay/support/run-replay';
import { createTestDatabase, TestDatabase, testEngines } from '../support/test-database';

/**
 * The condorgame backtest helpers against a replay: `coordinator-node replay` of the reference
 * competition (competitions/condorgame.yaml as is) over two hours of a price file, with its
 * JS and Python baselines and a tracker that fails on purpose hosted as live, then each helper on
 * the same file and tracker. Every round must carry the replay's score within 1e-9 relative:
 * density-pdf successes, the penalty of failures (0: batch-min capped at 0), and no score for
 * the rounds a gap in the prices makes void.
 */
const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures');
const MODELS = path.join(FIXTURES, 'condorgame-models.yaml');
const T0 = Date.UTC(2026, 0, 1) / 1000;
const FROM = '2026-01-01T00:00:00Z';
const TO = '2026-01-01T02:00:00Z';
const RANGE_S = 7200;
const HISTORY_S = 691_200; // feed.historySeconds: the first tick carries 8 days
/** ETH has no price for these minutes after T0: minute 32 is 180 s from any price (staleness 120 s), so rounds spanning it are void. */
const ETH_GAP = [30, 31, 32, 33, 34];
const TOLERANCE = 1e-9;
const ASSETS = { BTC: 87_000, ETH: 2_950, SOL: 125, XAU: 4_300 } as const;

interface HelperPrediction {
  performed_at: number;
  asset: string;
  horizon: number;
  step: number;
  status: string;
  score: number | null;
  success: boolean;
  reason: string | null;
}
interface HelperOutput {
  predictions: HelperPrediction[];
  mean_score: number | null;
  means_by_param: Record<string, number>;
}
interface ReplayScore {
  modelId: string;
  key: string;
  status: string;
  score: number | null;
  success: boolean | null;
}

/** A seeded random walk of one-minute closes, so the trackers' volatilities differ by asset and time. */
function priceRows(): Array<{ subject: string; ts: number; price: number }> {
  const rows: Array<{ subject: string; ts: number; price: number }> = [];
  let seed = 20260101;
  const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  for (const [asset, start] of Object.entries(ASSETS)) {
    let price = start;
    for (let m = -HISTORY_S / 60; m <= RANGE_S / 60; m++) {
      price *= Math.exp((uniform() - 0.5) * 0.004 * (1 + Math.sin(m / 240)));
      if (asset === 'ETH' && ETH_GAP.includes(m)) continue;
      rows.push({ subject: asset, ts: T0 + m * 60, price });
    }
  }
  return rows;
}

const key = (seconds: number, asset: string, horizon: number) => `${new Date(seconds * 1000).toISOString()} ${asset}-${horizon}`;

function pythonHelper(priceFile: string, tracker: string): HelperOutput {
  const run = spawnSync('python3', ['-m', 'condorgame.backtest', '--prices', priceFile, '--tracker', tracker, '--from', FROM, '--to', TO, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'deployment/packages/python'), PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (run.status !== 0) throw new Error(`python backtest failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as HelperOutput;
}

/** The README's command: its own process, NODE_PATH letting the tracker require('condorgame/tracker'). */
function javascriptHelper(priceFile: string, tracker: string): HelperOutput {
  const run = spawnSync(process.execPath, ['deployment/packages/js/condorgame/backtest.js', '--prices', priceFile, '--tracker', tracker, '--from', FROM, '--to', TO, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: path.join(ROOT, 'deployment/packages/js') },
  });
  if (run.status !== 0) throw new Error(`js backtest failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as HelperOutput;
}

const pythonAvailable = spawnSync('python3', ['-c', 'import sys'], { encoding: 'utf8' }).status === 0;

for (const engine of testEngines()) {
  describe(`the condorgame backtest helpers give the scores of a replay of the reference competition [${engine}]`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cn-condor-backtest-${engine}-`));
    const csvFile = path.join(dir, 'prices.csv');
    const parquetFile = path.join(dir, 'prices.parquet');
    let db: TestDatabase | undefined;
    /** Replay scores by model id, then by `key(round, asset, horizon)`. */
    const replay = new Map<string, Map<string, ReplayScore>>();

    beforeAll(async () => {
      const rows = priceRows();
      fs.writeFileSync(csvFile, `subject,ts,price\n${rows.map((r) => `${r.subject},${r.ts},${r.price}`).join('\n')}\n`);
      // The same prices as the coordinator's own download writes them (GET /data/prices?format=parquet).
      const parquet = new ParquetPriceFile();
      fs.writeFileSync(parquetFile, Buffer.concat([parquet.start(), parquet.page(rows.map((r) => ({ ...r, ts: r.ts * 1000 }))), parquet.end()]));

      if (engine === 'postgres') db = await createTestDatabase('postgres');
      const out = path.join(dir, 'out');
      const result = await runReplay(['--competition', path.join(ROOT, 'competitions/condorgame.yaml'), '--from', FROM, '--to', TO, '--prices', csvFile, '--models', MODELS, '--out', out, ...(db ? ['--database', db.url] : [])]);
      if (result.code !== 0) throw new Error(`replay failed (${result.code}): ${result.stderr}`);
      // Parquet keeps the stored doubles (the CSV has 10 significant digits).
      const bytes = fs.readFileSync(path.join(out, 'scores.parquet'));
      const scores = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Array<{
        round_at: Date; asset: string; horizon: number; model_id: string; status: string; score: number | null; score_success: boolean | null;
      }>;
      for (const s of scores) {
        const byKey = replay.get(s.model_id) ?? new Map<string, ReplayScore>();
        const k = key(s.round_at.getTime() / 1000, s.asset, s.horizon);
        byKey.set(k, { modelId: s.model_id, key: k, status: s.status, score: s.score, success: s.score_success });
        replay.set(s.model_id, byKey);
      }
    }, 300_000);

    afterAll(async () => {
      await db?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** The helper lists the rounds the replay resolved (hourly rounds whose horizon ends by --to), each with the replay's score. */
    function expectReplayScores(modelId: string, output: HelperOutput): { success: number; penalised: number; void: number } {
      const fromReplay = replay.get(modelId)!;
      const resolved = [...fromReplay.values()].filter((s) => s.success !== null).map((s) => s.key);
      const ours = new Map(output.predictions.map((p) => [key(p.performed_at, p.asset, p.horizon), p]));
      expect([...ours.keys()].sort()).toEqual(resolved.sort());
      const counts = { success: 0, penalised: 0, void: 0 };
      let worst = 0;
      for (const k of resolved) {
        const theirs = fromReplay.get(k)!;
        const mine = ours.get(k)!;
        expect([k, mine.status, mine.success, mine.score === null]).toEqual([k, theirs.status, theirs.success, theirs.score === null]);
        if (theirs.score === null) counts.void++;
        else if (theirs.success) counts.success++;
        else counts.penalised++;
        if (theirs.score !== null) worst = Math.max(worst, theirs.score === 0 ? Math.abs(mine.score!) : Math.abs(mine.score! - theirs.score) / Math.abs(theirs.score));
      }
      expect(worst).toBeLessThanOrEqual(TOLERANCE);
      return counts;
    }

    it('replays 41 hourly and 9 daily rounds (the last ones at --to); the 21 hourly rounds whose horizon ends by --to are resolved, 3 of ETH void (the gap)', () => {
      const baseline = [...replay.get('1')!.values()];
      expect([baseline.filter((s) => s.key.endsWith('-3600')).length, baseline.filter((s) => s.key.endsWith('-86400')).length]).toEqual([41, 9]);
      const resolved = baseline.filter((s) => s.success !== null);
      expect(resolved).toHaveLength(21);
      expect(resolved.every((s) => s.key.endsWith('-3600'))).toBe(true);
      expect(resolved.filter((s) => s.score === null).map((s) => s.key)).toEqual([key(T0 + 180, 'ETH', 3600), key(T0 + 900, 'ETH', 3600), key(T0 + 1620, 'ETH', 3600)]);
    });

    it('gives the replay’s scores of the JS baseline (condorgame/backtest.js, on the CSV and on the Parquet download)', () => {
      const tracker = 'deployment/models/gaussian-ewma/index.js';
      expect(expectReplayScores('1', javascriptHelper(csvFile, tracker))).toEqual({ success: 18, penalised: 0, void: 3 });
      expect(javascriptHelper(parquetFile, tracker)).toEqual(javascriptHelper(csvFile, tracker));
    });

    it('gives the replay’s penalty (0) for a tracker that throws (XAU) or answers an invalid density (SOL)', () => {
      const output = javascriptHelper(csvFile, 'test/data/fixtures/condorgame-flaky/index.js:FlakyTracker');
      expect(expectReplayScores('3', output)).toEqual({ success: 8, penalised: 10, void: 3 });
      expect(new Set(output.predictions.filter((p) => p.asset === 'XAU').map((p) => p.status))).toEqual(new Set(['FAILED']));
      expect(output.predictions.filter((p) => p.asset === 'SOL').map((p) => [p.status, p.score])).toEqual(Array(5).fill(['SUCCESS', 0]));
    });

    it('gives the replay’s scores of the Python baseline (python3 -m condorgame.backtest)', () => {
      if (!pythonAvailable) {
        console.warn('SKIPPED: python3 is not installed, the Python backtest helper was not compared');
        return;
      }
      expect(expectReplayScores('2', pythonHelper(csvFile, 'deployment/models/normal-mixture/main.py'))).toEqual({ success: 18, penalised: 0, void: 3 });
    });
  });
}
