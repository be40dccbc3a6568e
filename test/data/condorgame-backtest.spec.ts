import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { DensityPdfScorer } from '../../src/score/scorers/builtin/density-pdf.scorer';
import { penaltyScore } from '../../src/score/penalty-score';

// The participant package's helper is plain CommonJS JavaScript that imports nothing from src/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const helper = require('../../deployment/packages/js/condorgame/backtest.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readPriceFile } = require('../../deployment/packages/js/condorgame/price-file.js');

const ROOT = path.resolve(__dirname, '../..');
const PYTHON_PACKAGES = path.join(ROOT, 'deployment/packages/python');
const pythonAvailable = spawnSync('python3', ['-c', 'import sys'], { encoding: 'utf8' }).status === 0;

/** Runs a Python snippet with the stand-ins on the path; its stdout parsed as JSON. */
function python(code: string, input = ''): unknown {
  const run = spawnSync('python3', ['-c', code], { input, encoding: 'utf8', env: { ...process.env, PYTHONPATH: PYTHON_PACKAGES, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const norm = (loc: number, scale: number) => ({ type: 'builtin', name: 'norm', params: { loc, scale } });
/** Payloads of two steps against the log-returns [0.001, -0.002]: every family, mixtures, and what the scorer refuses. */
const CASES: Array<{ name: string; payload: unknown }> = [
  { name: 'normal', payload: [norm(0, 0.002), norm(0.0005, 0.003)] },
  { name: 'student t', payload: [{ type: 'scipy', name: 't', params: { df: 3.5, loc: 0, scale: 0.0015 } }, { type: 'scipy', name: 't', params: { df: 30, loc: 0, scale: 0.002 } }] },
  { name: 'laplace and cauchy', payload: [{ type: 'scipy', name: 'laplace', params: { loc: 0, scale: 0.001 } }, { type: 'scipy', name: 'cauchy', params: { loc: 0, scale: 0.001 } }] },
  { name: 'lognorm and gamma (shifted supports)', payload: [{ type: 'scipy', name: 'lognorm', params: { s: 0.5, loc: -0.01, scale: 0.01 } }, { type: 'scipy', name: 'gamma', params: { a: 2.5, loc: -0.01, scale: 0.003 } }] },
  { name: 'beta and weibull_min', payload: [{ type: 'scipy', name: 'beta', params: { a: 2, b: 3, loc: -0.01, scale: 0.02 } }, { type: 'scipy', name: 'weibull_min', params: { c: 1.7, loc: -0.01, scale: 0.01 } }] },
  { name: 'chi2 and f', payload: [{ type: 'scipy', name: 'chi2', params: { df: 4, loc: -0.01, scale: 0.004 } }, { type: 'scipy', name: 'f', params: { dfn: 5, dfd: 7, loc: -0.01, scale: 0.005 } }] },
  { name: 'statistics normal, builtin normal', payload: [{ type: 'statistics', name: 'normal', params: { mu: 0, sigma: 0.002 } }, { type: 'builtin', name: 'normal', params: { mu: 0, sigma: 0.004 } }] },
  {
    name: 'nested mixtures with unnormalised weights',
    payload: [
      { type: 'mixture', components: [{ density: norm(0, 0.001), weight: 2 }, { density: { type: 'mixture', components: [{ density: norm(0, 0.004), weight: 1 }, { density: { type: 'scipy', name: 't', params: { df: 4, loc: 0, scale: 0.002 } }, weight: 3 }] }, weight: 2 }] },
      norm(0, 0.002),
    ],
  },
  { name: 'a zero scale', payload: [norm(0, 0), norm(0, 0.002)] },
  { name: 'an unknown family', payload: [norm(0, 0.002), { type: 'scipy', name: 'gumbel', params: { loc: 0, scale: 1 } }] },
  { name: 'an unexpected param', payload: [{ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.002, df: 3 } }, norm(0, 0.002)] },
  { name: '17 leaves', payload: [{ type: 'mixture', components: Array.from({ length: 17 }, () => ({ density: norm(0, 0.002), weight: 1 })) }, norm(0, 0.002)] },
  { name: 'zero weights', payload: [{ type: 'mixture', components: [{ density: norm(0, 0.002), weight: 0 }] }, norm(0, 0.002)] },
  { name: 'three entries for two steps', payload: [norm(0, 0.002), norm(0, 0.002), norm(0, 0.002)] },
  { name: 'an object instead of an array', payload: { 60: [norm(0, 0.002)] } },
];
const TRUTH = [0.001, -0.002];

/** The coordinator's density-pdf of each case: the score, or null when it fails the prediction. */
function coordinatorScores(): Array<number | null> {
  const scorer = new DensityPdfScorer();
  return CASES.map(({ payload }) => {
    const outcome = scorer.score({ payload, truth: TRUTH, asset: 'BTC', horizon: 120, step: 60, options: {} });
    return outcome.ok ? outcome.value : null;
  });
}

function expectSameScores(ours: Array<number | null>): void {
  const theirs = coordinatorScores();
  expect(theirs.filter((s) => s === null)).toHaveLength(7);
  CASES.forEach(({ name }, i) => {
    const [a, b] = [ours[i], theirs[i]];
    expect([name, a === null]).toEqual([name, b === null]);
    if (a !== null && b !== null) expect([name, Math.abs(a - b) <= 1e-9 * Math.abs(b)]).toEqual([name, true]);
  });
}

describe('the condorgame backtest helpers (unit)', () => {
  it('carry the reference competition file’s schedule, tick, staleness, history, penalty and limits (JS and Python)', () => {
    const c = loadCompetitionFile(path.join(ROOT, 'competitions/condorgame.yaml'));
    const expected = {
      subjects: c.feed.subjects,
      predictions: c.predictions.map((p) => [p.asset, p.horizon, p.step, p.interval, p.group, p.order]),
      tick: c.tick.interval,
      staleness: c.feed.stalenessSeconds,
      history: c.feed.historySeconds,
      timeout: c.model.callTimeoutMs / 1000,
      maxBytes: c.model.maxPredictionBytes,
      penalty: c.scoring.penalty,
      scorer: c.scoring.scorer,
      target: c.scoring.target,
    };
    const js = {
      subjects: helper.SUBJECTS,
      predictions: helper.REFERENCE_PREDICTIONS,
      tick: helper.TICK_INTERVAL,
      staleness: helper.STALENESS_SECONDS,
      history: helper.HISTORY_SECONDS,
      timeout: helper.CALL_TIMEOUT_SECONDS,
      maxBytes: helper.MAX_PREDICTION_BYTES,
      penalty: helper.PENALTY,
      scorer: 'density-pdf',
      target: 'log-return',
    };
    expect(js).toEqual(expected);
    if (!pythonAvailable) return;
    const py = python(`import json
from condorgame import backtest as b
print(json.dumps({"subjects": list(b.SUBJECTS), "predictions": [list(p) for p in b.REFERENCE_PREDICTIONS], "tick": b.TICK_INTERVAL,
  "staleness": b.STALENESS_SECONDS, "history": b.HISTORY_SECONDS, "timeout": b.CALL_TIMEOUT_SECONDS, "maxBytes": b.MAX_PREDICTION_BYTES,
  "penalty": b.PENALTY, "scorer": "density-pdf", "target": "log-return"}))`);
    expect(py).toEqual(expected);
  });

  it('score every density family, mixture and refusal as the coordinator’s density-pdf scorer (JS helper)', () => {
    const scorer = new helper.DensityPdf();
    expectSameScores(
      CASES.map(({ payload }) => {
        try {
          return scorer.score(payload, TRUTH) as number;
        } catch {
          return null;
        }
      }),
    );
  });

  it('score every density family, mixture and refusal as the coordinator’s density-pdf scorer (Python helper)', () => {
    if (!pythonAvailable) return console.warn('SKIPPED: python3 is not installed');
    const scores = python(
      `import json, sys
from condorgame.backtest import DensityPdf
cases, truth = json.load(sys.stdin)
out = []
for case in cases:
    try:
        out.append(DensityPdf().score(case["payload"], truth))
    except ValueError:
        out.append(None)
print(json.dumps(out))`,
      JSON.stringify([CASES, TRUTH]),
    ) as Array<number | null>;
    expectSameScores(scores);
  });

  it('give a failed prediction the coordinator’s penalty for every policy', () => {
    const policies = [{ policy: 'batch-min', cap: 0 }, { policy: 'batch-min', cap: null }, { policy: 'fixed', value: -1 }, { policy: 'percentile', percentile: 90 }] as const;
    const rounds = [[], [0.8, 1.2], [-3, 5, 7, 11, 2.5]];
    const cases = policies.flatMap((policy) => rounds.flatMap((scores) => (['higher', 'lower'] as const).map((direction) => ({ policy, scores, direction }))));
    const expected = cases.map((c) => penaltyScore(c.policy, c.scores, c.direction));
    expect(cases.map((c) => helper.penaltyScore(c.policy, c.scores, c.direction))).toEqual(expected);
    if (!pythonAvailable) return;
    const py = python(`import json, sys
from condorgame.backtest import penalty_score
print(json.dumps([penalty_score(c["policy"], c["scores"], c["direction"]) for c in json.load(sys.stdin)]))`, JSON.stringify(cases)) as Array<number | null>;
    expect(py).toEqual(expected);
  });

  it('tick as the coordinator: the history window first, then only newer prices; nothing when up to date; a failed tick is sent again', () => {
    const T = 1767225600;
    const feed = new helper.TickFeed({ BTC: [[T - 180, 1], [T - 120, 2], [T - 60, 3], [T, 4], [T + 60, 5]], ETH: [[T, 10]] }, 120);
    const sent: unknown[] = [];
    let fail = true;
    const tracker = {
      tick(data: unknown) {
        sent.push(data);
        if (fail) throw new Error('not ready');
      },
    };
    feed.tick(tracker, T);
    expect(feed.hasHistory).toBe(false);
    fail = false;
    feed.tick(tracker, T);
    feed.tick(tracker, T + 30); // nothing new
    feed.tick(tracker, T + 60);
    expect(sent).toEqual([
      { BTC: [[T - 120, 2], [T - 60, 3], [T, 4]], ETH: [[T, 10]] },
      { BTC: [[T - 120, 2], [T - 60, 3], [T, 4]], ETH: [[T, 10]] },
      { BTC: [[T + 60, 5]], ETH: [] },
    ]);
  });

  describe('command line (one line on stderr and exit code 2 for a bad argument or file)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-condor-cli-'));
    const prices = path.join(dir, 'prices.csv');
    fs.writeFileSync(prices, 'subject,ts,price\nBTC,1767225600,87000\nBTC,2026-01-01T00:01:00Z,87010.5\n');
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function run(argv: string[]): Promise<{ code: number; err: string }> {
      let err = '';
      const code = await helper.main(argv, { stdout: () => undefined, stderr: (t: string) => (err += t), cwd: dir });
      return { code, err };
    }

    it.each([
      [['--tracker', './t.js'], 'backtest: --prices and --tracker are required\n'],
      [['--prices', 'prices.csv', '--tracker', './t.js', '--from', '2026-01-02T00:00:00Z', '--to', '2026-01-01T00:00:00Z'], 'backtest: --from 2026-01-02T00:00:00Z is not before --to 2026-01-01T00:00:00Z\n'],
      [['--prices', 'prices.csv', '--tracker', './t.js', '--from', '2026-01-01'], 'backtest: --from must be unix seconds or ISO 8601 with a zone (2026-01-01T00:00:00Z), got "2026-01-01"\n'],
      [['--prices', 'prices.csv', '--tracker', './t.js', '--group', 'weekly'], 'backtest: unknown group "weekly" (the reference competition has daily, hourly)\n'],
      [['--prices', 'prices.csv', '--tracker', './t.js', '--assets', 'BTC,DOGE'], "backtest: --assets: DOGE not among the configs' assets (BTC, ETH, SOL, XAU)\n"],
      [['--prices', 'prices.csv', '--tracker', './t.js', '--prediction', 'BTC:3600:70:720'], 'backtest: BTC: horizon 3600 is not a multiple of step 70\n'],
      [['--prices', 'prices.csv', '--tracker', './t.js', '--prediction', 'BTC:3600:60'], 'backtest: --prediction must be ASSET:HORIZON:STEP:INTERVAL[:GROUP], got "BTC:3600:60"\n'],
      [['--prices', 'prices.csv', '--tracker', './t.js', '--staleness', '0'], 'backtest: --staleness must be a positive number, got "0"\n'],
      [['--prices', 'prices.txt', '--tracker', './t.js'], `backtest: ${path.join(dir, 'prices.txt')}: unknown price file type (expected .csv or .parquet)\n`],
      [['--prices', 'prices.csv', '--tracker', './t.js'], expect.stringMatching(new RegExp(`^backtest: --tracker: cannot load ${path.join(dir, 't.js')}: Cannot find module [^\n]*\n$`))],
      [['--prices', 'prices.csv', '--tracker', './t.js', '--speed', '2'], expect.stringMatching(/^backtest: Unknown option '--speed'[^\n]*\n$/)],
    ])('%j', async (argv, message) => {
      expect(await run(argv as string[])).toEqual({ code: 2, err: message });
    });

    it('names the line of a bad row of the price file, as the replay does', async () => {
      const bad = path.join(dir, 'bad.csv');
      fs.writeFileSync(bad, '# a comment\nts,subject,price\n1767225600,BTC,87000\n1767225660,BTC,-1\n');
      await expect(readPriceFile(bad)).rejects.toThrow(`${bad}: line 4: price "-1" is not a positive number`);
      fs.writeFileSync(bad, 'subject,ts,price\nBTC,1767225600,87000\nBTC,2026-01-01T00:00:00Z,87001\n');
      await expect(readPriceFile(bad)).rejects.toThrow(`${bad}: line 3: BTC at 2026-01-01T00:00:00.000Z is already on line 2`);
      expect(await readPriceFile(prices)).toEqual({ BTC: [[1767225600, 87000], [1767225660, 87010.5]] });
    });
  });
});
