import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The participant package's helper is plain CommonJS JavaScript that imports nothing from src/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const helper = require('../../deployment/packages/js/crunch_synth/backtest.js');

interface ReferenceCase {
  asset: string;
  horizon: number;
  steps: number[];
  performedAtMs: number;
  prices: Array<[number, number]>;
  payload: Record<string, unknown[]>;
  resolutions: Array<{ step: number; truth: number[]; sameObservation?: number[] }>;
  score: number;
}

/** Computed with scipy by test/fixtures/scoring/generate_synth.py, independently of this code. */
const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/scoring/synth-crps.json'), 'utf8')) as { cases: ReferenceCase[] };

describe('crunch_synth/backtest.js (the JS participant package)', () => {
  it('scores whole Synth evaluations as the scipy reference, within 1e-9', () => {
    const scorer = new helper.SynthCrps();
    for (const c of reference.cases) {
      const truths = new Map(c.resolutions.map((r) => [r.step, { values: r.truth, sameObservation: r.sameObservation ?? [] }]));
      const score = scorer.score(c.asset, c.payload, truths) as number;
      expect(Math.abs(score - c.score) / c.score).toBeLessThanOrEqual(1e-9);
    }
  });

  it('round-robins the assets of a profile over its interval, as the coordinator schedules them', () => {
    const T0 = 1767225600;
    const rounds = helper.roundTimes(helper.profileConfigs('1h', ['BTC', 'ETH']), T0, T0 + 3600 + 720) as Array<[number, { asset: string }]>;
    expect(rounds.map(([t, c]) => [t - T0, c.asset])).toEqual([[0, 'BTC'], [360, 'ETH'], [720, 'BTC']]);
  });

  it('names the line of a bad row of the price file, and refuses bad arguments with one line and exit code 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-backtest-js-'));
    try {
      const file = path.join(dir, 'prices.csv');
      fs.writeFileSync(file, 'subject,ts,price\nBTC,1767225600,100\nBTC,1767225660,\n');
      expect(() => helper.readPriceFile(file)).toThrow(`${file} line 3: expected subject,ts,price with finite numbers, got "BTC,1767225660,"`);
      let err = '';
      const io = { stdout: () => undefined, stderr: (t: string) => (err += t), cwd: dir };
      expect(helper.main(['--prices', file, '--tracker', './t.js', '--profile', '1h'], io)).toBe(2);
      expect(err).toBe(`backtest: ${file} line 3: expected subject,ts,price with finite numbers, got "BTC,1767225660,"\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
