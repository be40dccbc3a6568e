import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { locateRunnerPaths } from '../../src/local-orchestrator/runner-paths';
import { decodeVariant } from './support/model-runner-test-client';
import { OrchestratorFixture } from './support/orchestrator-fixture';

// The JavaScript stand-ins are plain CommonJS files that models require at run time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (module: string) => require(join(locateRunnerPaths().jsPackagesDir, module));
const { PriceStore } = load('crunch_synth/prices');
const { TrackerBase, SubTracker } = load('crunch_synth/tracker');
const condorgame = load('condorgame/tracker');

const DAY = 86400;
const T0 = 1_700_000_000;
const norm = (scale: number, loc = 0) => ({ type: 'builtin', name: 'norm', params: { loc, scale } });
const mixture = (...densities: object[]) => ({ type: 'mixture', components: densities.map((density) => ({ density, weight: 1 / densities.length })) });

describe('JavaScript stand-in PriceStore (crunch_synth/prices), same API as Python', () => {
  it('keeps points sorted per asset, overwrites a known timestamp, and the last of a batch wins', () => {
    const store = new PriceStore();
    store.add_bulk({ BTC: [[T0 + 120, 3], [T0, 1], [T0 + 60, 2]] });
    store.add_prices('BTC', [[T0 + 60, 99], [T0 + 60, 100]]);
    expect(store.get_prices('BTC')).toEqual([[T0, 1], [T0 + 60, 100], [T0 + 120, 3]]);
    expect(store.data.BTC.size).toBe(3);
  });

  it('keeps 30 days (configurable) before the newest point of each asset, cutoff inclusive', () => {
    const store = new PriceStore();
    store.add_prices('BTC', Array.from({ length: 40 }, (_, day) => [T0 + day * DAY, day]));
    expect(store.data.BTC.keys()[0]).toBe(T0 + 9 * DAY);
    const five = new PriceStore(5);
    five.add_prices('BTC', Array.from({ length: 10 }, (_, day) => [T0 + day * DAY, day]));
    expect(five.data.BTC.size).toBe(6);
  });

  it('thins get_prices to the resolution from the oldest point in range and limits it to the last days', () => {
    const store = new PriceStore();
    store.add_prices('BTC', [[T0, 1], [T0 + 90, 2], [T0 + 100, 3], [T0 + 180, 4], [T0 + 200, 5]]);
    expect(store.get_prices('BTC', null, 100).map(([ts]: number[]) => ts)).toEqual([T0, T0 + 100, T0 + 200]);
    expect(store.get_prices('BTC', null, 0)).toHaveLength(5);
    const daily = new PriceStore();
    daily.add_prices('BTC', Array.from({ length: 10 }, (_, day) => [T0 + day * DAY, day]));
    expect(daily.get_prices('BTC', 5)).toHaveLength(6);
  });

  it('answers last, closest (earlier on a tie, clamped outside), last_timestamp, and null without data', () => {
    const store = new PriceStore();
    expect([store.get_prices('BTC'), store.get_last_price('BTC'), store.get_closest_price('BTC', T0), store.last_timestamp]).toEqual([[], null, null, null]);
    store.add_bulk({ BTC: [[T0, 1], [T0 + 60, 2]], ETH: [[T0 + 300, 5]] });
    expect(store.get_last_price('BTC')).toEqual([T0 + 60, 2]);
    expect(store.get_closest_price('BTC', T0 + 30)).toEqual([T0, 1]);
    expect(store.get_closest_price('BTC', T0 + 31)).toEqual([T0 + 60, 2]);
    expect(store.get_closest_price('BTC', T0 - 999)).toEqual([T0, 1]);
    expect(store.get_closest_price('BTC', T0 + 999)).toEqual([T0 + 60, 2]);
    expect(store.last_timestamp).toBe(T0 + 300);
  });

  it('refuses a malformed tick with a message naming the entry', () => {
    expect(() => new PriceStore().add_bulk({ BTC: [[T0, 1], [T0]] })).toThrow(/BTC entry 1 must be a \[timestamp, price\] pair/);
  });
});

describe('JavaScript stand-in TrackerBase (crunch_synth/tracker and condorgame/tracker)', () => {
  class Constant extends TrackerBase {
    calls: number[] = [];
    constructor(private readonly spec: object = norm(1)) {
      super();
    }
    predict(asset: string, horizon: number, step: number) {
      this.calls.push(step);
      return Array.from({ length: horizon / step }, () => this.spec);
    }
  }
  class Named extends SubTracker {
    constructor(private readonly name: string) {
      super();
    }
    predict(asset: string, horizon: number, step: number) {
      return Array.from({ length: horizon / step }, () => norm(1, this.name.length));
    }
  }

  it('feeds self.prices from tick and forwards ticks to sub-trackers', () => {
    const tracker = new TrackerBase();
    const sub = new Named('sub');
    tracker.track(3600, 'BTC', sub);
    tracker.tick({ BTC: [[T0, 1]] });
    expect([tracker.prices.get_last_price('BTC'), sub.prices.get_last_price('BTC')]).toEqual([[T0, 1], [T0, 1]]);
  });

  it('predict_all calls predict per step, skips steps beyond the horizon and rounds to 6 significant digits', () => {
    const tracker = new Constant(mixture(norm(0.000123456789, -12345.6789), norm(2)));
    const answer = tracker.predict_all('BTC', 3600, [300, 3600, 86400]);
    expect(Object.keys(answer)).toEqual(['300', '3600']);
    expect(tracker.calls).toEqual([300, 3600]);
    expect(answer[300]).toHaveLength(12);
    expect(answer[300][0].components[0]).toEqual({ density: norm(0.000123457, -12345.7), weight: 0.5 });
  });

  it('allows 3 leaf components and refuses 4, nested mixtures counted by leaves', () => {
    expect(new Constant(mixture(norm(1), mixture(norm(2), norm(3)))).predict_all('BTC', 60, [60])[60]).toHaveLength(1);
    expect(() => new Constant(mixture(norm(1), mixture(norm(2), mixture(norm(3), norm(4))))).predict_all('BTC', 60, [60])).toThrow(
      /contains 4 total components.*maximum allowed is 3/,
    );
  });

  it('routes predict with track(): an exact asset beats "*", and no route names horizon and asset', () => {
    const tracker = new TrackerBase();
    tracker.track(3600, '*', new Named('any'));
    tracker.track(3600, ['BTC', 'ETH'], new Named('majors'));
    expect(tracker.predict('BTC', 3600, 3600)[0].params.loc).toBe('majors'.length);
    expect(tracker.predict('SOL', 3600, 3600)[0].params.loc).toBe('any'.length);
    expect(() => tracker.predict('SOL', 86400, 300)).toThrow(/horizon=86400, asset='SOL'/);
  });

  it('condorgame keeps predict for the submission and gives prices and predict_all', () => {
    class Model extends condorgame.TrackerBase {
      predict(asset: string, horizon: number, step: number) {
        return Array.from({ length: horizon / step }, () => norm(0.001234567));
      }
    }
    const model = new Model();
    model.tick({ BTC: [[T0, 1]] });
    expect(model.prices.get_last_price('BTC')).toEqual([T0, 1]);
    expect(model.predict_all('BTC', 600, [300, 900])).toEqual({ 300: [norm(0.00123457), norm(0.00123457)] });
    expect(() => new condorgame.TrackerBase().predict('BTC', 60, 60)).toThrow(/does not implement predict/);
  });
});

describe('JavaScript model runtime: where the base class comes from', () => {
  const fixture = new OrchestratorFixture();
  const submission = [
    "const { TrackerBase } = require('crunch_synth/tracker');",
    'class Mine extends TrackerBase { origin() { return TrackerBase.origin || "stand-in"; } }',
    'module.exports = { Mine };',
  ].join('\n');
  const dirs: string[] = [];
  const submissionDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'js-submission-'));
    writeFileSync(join(dir, 'index.js'), submission);
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    const installed = submissionDir();
    mkdirSync(join(installed, 'node_modules', 'crunch_synth'), { recursive: true });
    writeFileSync(join(installed, 'node_modules', 'crunch_synth', 'tracker.js'), "class TrackerBase {}\nTrackerBase.origin = 'installed';\nmodule.exports = { TrackerBase };");
    await fixture.start([
      { id: 'plain', code_path: submissionDir(), language: 'javascript' },
      { id: 'installed', code_path: installed, language: 'javascript' },
    ]);
  });

  afterAll(async () => {
    await fixture.stop();
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  it('uses the stand-in when nothing is installed, and a package in the submission\'s node_modules when there is one', async () => {
    for (const [id, origin] of [['plain', 'stand-in'], ['installed', 'installed']]) {
      const client = fixture.client(id);
      expect((await client.setup('crunch_synth.tracker.TrackerBase')).status.code).toBe('SUCCESS');
      expect(decodeVariant((await client.call('origin')).methodResponse)).toBe(origin);
    }
  });

  it('answers BAD_IMPLEMENTATION when the base class module cannot be loaded', async () => {
    expect((await fixture.client('plain').setup('crunch_synth_not_installed.tracker.TrackerBase')).status).toEqual({
      code: 'BAD_IMPLEMENTATION',
      message: expect.stringMatching(/base class module crunch_synth_not_installed.tracker cannot be loaded/),
    });
  });
});
