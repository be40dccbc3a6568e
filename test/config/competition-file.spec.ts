import * as path from 'node:path';
import { parse } from 'yaml';
import * as fs from 'node:fs';
import { loadCompetitionFile, parseCompetitionDefinition } from '../../src/config/competition/competition.loader';
import { ConfigError } from '../../src/config/config-error';
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
  ])('rejects %s, naming the key', (_what, mutate, key) => {
    const doc = reference();
    mutate(doc);
    expect(keyOfError(doc)).toBe(key);
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
