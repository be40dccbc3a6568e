import * as path from 'node:path';
import { parse } from 'yaml';
import * as fs from 'node:fs';
import { loadCompetitionFile, parseCompetitionDefinition } from '../../src/config/competition/competition.loader';
import { ConfigError } from '../../src/config/config-error';
import { answeredSteps } from '../../src/config/competition/competition.types';
import { bootstrapConfiguration } from '../../src/bootstrap/bootstrap-configuration';

const ROOT = path.resolve(__dirname, '../..');
const reference = () => parse(fs.readFileSync(path.join(ROOT, 'competitions/condorgame.yaml'), 'utf8'));

function keyOfError(doc: unknown): string {
  try {
    parseCompetitionDefinition(doc);
  } catch (err) {
    if (err instanceof ConfigError) return err.key;
    throw err;
  }
  throw new Error('expected the definition to be rejected');
}

describe('competition file', () => {
  it('loads the reference competition of scoring.md', () => {
    const def = loadCompetitionFile(path.join(ROOT, 'competitions/condorgame.yaml'));
    expect(def.id).toBe('condorgame');
    expect(def.feed.subjects).toEqual(['BTC', 'ETH', 'SOL', 'XAU']);
    expect(def.predictions).toHaveLength(8);
    expect(def.predictions.filter((p) => p.group === 'daily').every((p) => p.horizon === 86400 && p.step === 300 && p.interval === 3600)).toBe(true);
    expect(def.predictions.filter((p) => p.group === 'hourly').every((p) => p.horizon === 3600 && p.step === 60 && p.interval === 720)).toBe(true);
    expect(def.scoring.windows).toEqual([
      { name: 'recent', seconds: 86400 },
      { name: 'steady', seconds: 259200 },
      { name: 'anchor', seconds: 604800 },
    ]);
    expect(def.leaderboard).toMatchObject({ rankBy: 'anchor', tiebreakers: ['steady', 'recent'] });
    expect(def.model.predict.args.map((a) => `${a.name}:${a.type}`)).toEqual(['asset:STRING', 'horizon:INT', 'step:INT']);
  });

  it('loads the demo with short horizons on the synthetic feed', () => {
    const def = loadCompetitionFile(path.join(ROOT, 'competitions/demo.yaml'));
    expect(def.feed.adapter).toBe('synthetic');
    expect(Math.max(...def.predictions.map((p) => p.horizon))).toBeLessThanOrEqual(300);
  });

  it('loads the Synth game of synth-game.md: 12 assets, profiles 24h and 1h, predict_all, synth-crps, asset weights', () => {
    const def = loadCompetitionFile(path.join(ROOT, 'competitions/synth.yaml'));
    expect(def.feed).toMatchObject({ adapter: 'crunchdao', options: {}, granularity: 60 });
    expect(def.feed.subjects).toEqual(['BTC', 'ETH', 'XAUT', 'SOL', 'SP500', 'NVDAX', 'TSLAX', 'AAPLX', 'GOOGLX', 'XRP', 'HYPE', 'WTIOIL']);
    const daily = def.predictions.filter((p) => p.group === '24h');
    const hourly = def.predictions.filter((p) => p.group === '1h');
    expect(daily.map((p) => p.asset)).toEqual(def.feed.subjects);
    expect(daily.every((p) => p.horizon === 86400 && p.interval === 3600 && p.step === 300 && p.steps!.join() === '300,3600,21600,86400')).toBe(true);
    expect(hourly.map((p) => p.asset)).toEqual(['BTC', 'ETH', 'SOL', 'XAUT', 'HYPE']);
    expect(hourly.every((p) => p.horizon === 3600 && p.interval === 720 && p.step === 60 && p.steps!.join() === '60,300,900,1800,3600')).toBe(true);
    expect(def.model.predict.method).toBe('predict_all');
    expect(def.model.predict.args.map((a) => `${a.name}:${a.type}`)).toEqual(['asset:STRING', 'horizon:INT', 'steps:JSON']);
    expect(def.model.output).toEqual({ kind: 'distributions', maxComponents: 3 });
    expect(def.scoring).toMatchObject({ scorer: 'synth-crps', target: 'difference', penalty: { policy: 'percentile', percentile: 90 } });
    expect(def.scoring.assetWeights).toMatchObject({ BTC: 1, SP500: 3.437935601155441, HYPE: 0.4784547133706857 });
    expect(Object.keys(def.scoring.assetWeights!)).toHaveLength(12);
  });

  it('loads the Synth demo: the same game offline on the synthetic feed with short horizons', () => {
    const demo = loadCompetitionFile(path.join(ROOT, 'competitions/synth-demo.yaml'));
    const game = loadCompetitionFile(path.join(ROOT, 'competitions/synth.yaml'));
    expect(demo.feed.adapter).toBe('synthetic');
    expect(demo.feed.subjects).toEqual(game.feed.subjects);
    expect(Math.max(...demo.predictions.map((p) => p.horizon))).toBeLessThanOrEqual(300);
    expect(demo.predictions.every((p) => p.steps !== undefined && p.steps.length >= 4)).toBe(true);
    expect(demo.model.predict).toEqual(game.model.predict);
    expect({ ...demo.scoring, intervalSeconds: 0, maxWaitSeconds: 0, windows: [] }).toEqual({ ...game.scoring, intervalSeconds: 0, maxWaitSeconds: 0, windows: [] });
  });

  it.each([
    ['a misspelt key', (d: any) => { d.predictions[1].horizion = 5; }, 'predictions[1].horizion'],
    ['a step that does not divide the horizon', (d: any) => { d.predictions[2].step = 7; }, 'predictions[2].step'],
    ['an asset the feed does not provide', (d: any) => { d.predictions[0].asset = 'DOGE'; }, 'predictions[0].asset'],
    ['a negative interval', (d: any) => { d.predictions[3].interval = -1; }, 'predictions[3].interval'],
    ['a missing scorer', (d: any) => { delete d.scoring.scorer; }, 'scoring.scorer'],
    ['an unknown penalty policy', (d: any) => { d.scoring.penalty = { policy: 'harsh' }; }, 'scoring.penalty.policy'],
    ['a percentile above 100', (d: any) => { d.scoring.penalty = { policy: 'percentile', percentile: 190 }; }, 'scoring.penalty.percentile'],
    ['a missing anchor window', (d: any) => { delete d.scoring.windows.anchor; }, 'scoring.windows'],
    ['a ranking key that is not a window', (d: any) => { d.leaderboard.rankBy = 'forever'; }, 'leaderboard.rankBy'],
    ['an unknown tiebreaker', (d: any) => { d.leaderboard.tiebreakers = ['steady', 'later']; }, 'leaderboard.tiebreakers[1]'],
    ['an unknown wire type', (d: any) => { d.model.predict.args[1].type = 'LONG'; }, 'model.predict.args[1].type'],
    ['a bad base class path', (d: any) => { d.model.baseClass = 'TrackerBase'; }, 'model.baseClass'],
    ['a string where a number belongs', (d: any) => { d.feed.granularity = '60'; }, 'feed.granularity'],
    ['a duplicated parameter set', (d: any) => { d.predictions[1] = { ...d.predictions[0] }; }, 'predictions[1]'],
    // Durations with an upper bound (issue 18.4: `intervalSeconds: 1e20` was healthy and never scored).
    ['a scoring interval of 1e20 s', (d: any) => { d.scoring.intervalSeconds = 1e20; }, 'scoring.intervalSeconds'],
    ['a scoring interval longer than the shortest window', (d: any) => { d.scoring.intervalSeconds = 86401; }, 'scoring.intervalSeconds'],
    ['a ground-truth wait longer than the longest window', (d: any) => { d.scoring.maxWaitSeconds = 604801; }, 'scoring.maxWaitSeconds'],
    ['a window over 366 days', (d: any) => { d.scoring.windows.anchor = 367 * 86400; }, 'scoring.windows.anchor'],
    ['a tick interval no timer holds', (d: any) => { d.tick = { interval: 25 * 86400 }; }, 'tick.interval'],
    ['a prediction interval no timer holds', (d: any) => { d.predictions[0].interval = 25 * 86400; }, 'predictions[0].interval'],
    ['a horizon over 366 days', (d: any) => { d.predictions[0].horizon = 367 * 86400; d.predictions[0].step = 86400; }, 'predictions[0].horizon'],
    ['a poll period longer than the history held', (d: any) => { d.feed.pollSeconds = d.feed.historySeconds + 60; }, 'feed.pollSeconds'],
    ['a staleness bound longer than the history held', (d: any) => { d.feed.stalenessSeconds = d.feed.historySeconds + 1; }, 'feed.stalenessSeconds'],
    ['a granularity over a day', (d: any) => { d.feed.granularity = 86401; }, 'feed.granularity'],
    ['a retention of 1e9 days', (d: any) => { d.retention = { predictionsDays: 1e9 }; }, 'retention.predictionsDays'],
  ])('rejects %s, naming the key', (_what, mutate, key) => {
    const doc = reference();
    mutate(doc);
    expect(keyOfError(doc)).toBe(key);
  });

  describe('multi-resolution configs (predict_all)', () => {
    /** The reference file turned multi-resolution: predict_all(asset, horizon, steps) on every config. */
    const multiResolution = () => {
      const doc = reference();
      doc.model.predict = {
        method: 'predict_all',
        args: [
          { name: 'asset', type: 'STRING' },
          { name: 'horizon', type: 'INT' },
          { name: 'steps', type: 'JSON' },
        ],
      };
      for (const p of doc.predictions) {
        delete p.step;
        p.steps = p.horizon === 86400 ? [300, 3600, 21600, 86400] : [60, 300, 900, 1800, 3600];
      }
      return doc;
    };

    it('reads steps, keys the parameter set by the finest step and sends steps as JSON', () => {
      const def = parseCompetitionDefinition(multiResolution());
      expect(def.predictions[0]).toMatchObject({ asset: 'BTC', horizon: 86400, step: 300, steps: [300, 3600, 21600, 86400], group: 'daily' });
      expect(def.predictions[4]).toMatchObject({ asset: 'BTC', horizon: 3600, step: 60, steps: [60, 300, 900, 1800, 3600] });
      expect(def.model.predict.args.map((a) => `${a.name}:${a.type}`)).toEqual(['asset:STRING', 'horizon:INT', 'steps:JSON']);
      expect(def.model.output.maxComponents).toBe(3);
    });

    it('keeps steps above the horizon (sent, not answered) and an explicit step that is one of them', () => {
      const doc = multiResolution();
      doc.predictions[4].steps = [300, 60, 86400];
      doc.predictions[4].step = 300;
      const def = parseCompetitionDefinition(doc);
      expect(def.predictions[4]).toMatchObject({ step: 300, steps: [300, 60, 86400] });
      expect(answeredSteps(def.predictions[4])).toEqual([300, 60]);
      expect(answeredSteps(parseCompetitionDefinition(reference()).predictions[0])).toBeNull();
    });

    it.each([
      ['a step that does not divide the horizon', (d: any) => { d.predictions[4].steps = [60, 700]; }, 'predictions[4].steps[1]'],
      ['a repeated step', (d: any) => { d.predictions[4].steps = [60, 300, 60]; }, 'predictions[4].steps[2]'],
      ['no step up to the horizon', (d: any) => { d.predictions[4].steps = [7200, 86400]; }, 'predictions[4].steps'],
      ['an empty list', (d: any) => { d.predictions[4].steps = []; }, 'predictions[4].steps'],
      ['a step that is not an integer', (d: any) => { d.predictions[4].steps = [60, 'x']; }, 'predictions[4].steps[1]'],
      ['a parameter-set step that is not one of the steps', (d: any) => { d.predictions[4].step = 120; }, 'predictions[4].step'],
      ['a config without steps when predict sends them', (d: any) => { delete d.predictions[2].steps; d.predictions[2].step = 300; }, 'predictions[2].steps'],
      ['steps without a steps argument', (d: any) => { d.model.predict.args[2] = { name: 'step', type: 'INT' }; }, 'predictions[0].steps'],
      ['steps on a non-distribution output', (d: any) => { d.model.output.kind = 'vector'; }, 'predictions[0].steps'],
      ['a component limit of 0', (d: any) => { d.model.output.maxComponents = 0; }, 'model.output.maxComponents'],
    ])('rejects %s, naming the key', (_what, mutate, key) => {
      const doc = multiResolution();
      mutate(doc);
      expect(keyOfError(doc)).toBe(key);
    });
  });

  describe('asset weights of the overall score', () => {
    const weighted = (weights: Record<string, unknown>) => {
      const doc = reference();
      doc.scoring.assetWeights = weights;
      return doc;
    };

    it('reads a positive weight per predicted asset; absent means equal weights', () => {
      expect(parseCompetitionDefinition(weighted({ BTC: 1, ETH: 0.7, SOL: 0.63, XAU: 1.7 })).scoring.assetWeights).toEqual({ BTC: 1, ETH: 0.7, SOL: 0.63, XAU: 1.7 });
      expect(parseCompetitionDefinition(reference()).scoring.assetWeights).toBeUndefined();
    });

    it.each([
      ['a zero weight', { BTC: 0, ETH: 1, SOL: 1, XAU: 1 }, 'scoring.assetWeights.BTC'],
      ['a weight that is not a number', { BTC: '1', ETH: 1, SOL: 1, XAU: 1 }, 'scoring.assetWeights.BTC'],
      ['a weight for an asset the feed does not provide', { BTC: 1, ETH: 1, SOL: 1, XAU: 1, DOGE: 1 }, 'scoring.assetWeights.DOGE'],
      ['a predicted asset without a weight', { BTC: 1, ETH: 1, SOL: 1 }, 'scoring.assetWeights'],
    ])('rejects %s, naming the key', (_what, weights, key) => {
      expect(keyOfError(weighted(weights))).toBe(key);
    });
  });

  it('names the file and the line problem on a YAML syntax error', () => {
    const file = path.join(require('node:os').tmpdir(), `bad-${process.pid}.yaml`);
    fs.writeFileSync(file, 'id: x\nfeed: [unclosed\n');
    try {
      expect(() => loadCompetitionFile(file)).toThrow(ConfigError);
    } finally {
      fs.unlinkSync(file);
    }
  });

  it('lets FEED_ADAPTER switch the reference competition to another feed', () => {
    const { competition } = bootstrapConfiguration({
      COMPETITION_FILE: path.join(ROOT, 'competitions/condorgame.yaml'),
      FEED_ADAPTER: 'crunchdao',
      FEED_OPTIONS: '{"baseUrl":"http://127.0.0.1:1"}',
    });
    expect(competition.feed.adapter).toBe('crunchdao');
    expect(competition.feed.options).toEqual({ baseUrl: 'http://127.0.0.1:1' });
    expect(competition.tick.valueField).toBe('close');
  });

  it('reads the synthetic feed\'s price field when FEED_ADAPTER=synthetic runs the reference competition offline', () => {
    const { competition } = bootstrapConfiguration({ COMPETITION_FILE: path.join(ROOT, 'competitions/condorgame.yaml'), FEED_ADAPTER: 'synthetic' });
    expect(competition.feed).toMatchObject({ adapter: 'synthetic', options: {} });
    expect(competition.tick.valueField).toBe('price');
  });

  it.each([
    ['MODEL_SECURITY_MODE', 'weird', /must be insecure, secure or gateway/],
    ['MODEL_CALL_TIMEOUT_MS', '-5', /must be an integer/],
    ['LOCAL_ORCHESTRATOR_PORT', 'abc', /"abc" is not a valid port number/],
  ])('names %s when the model fleet settings are invalid', (variable, value, problem) => {
    try {
      bootstrapConfiguration({ COMPETITION_FILE: path.join(ROOT, 'competitions/demo.yaml'), [variable]: value });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).key).toBe(variable);
      expect((err as ConfigError).message).toMatch(problem);
    }
  });

  it('rejects FEED_OPTIONS that are not a JSON object', () => {
    expect(() => bootstrapConfiguration({ COMPETITION_FILE: path.join(ROOT, 'competitions/demo.yaml'), FEED_OPTIONS: '[1]' })).toThrow(/^FEED_OPTIONS/);
  });
});
