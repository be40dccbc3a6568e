import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../src/config/config-error';
import { parseCompetitionDefinition } from '../../src/config/competition/competition.loader';

const tournament = (extra: Record<string, unknown> = {}, section: Record<string, unknown> = {}) => ({
  id: 'cup',
  tournament: { inputs: { type: 'object' }, truth: { type: 'array', items: { type: 'number' } }, ...section },
  model: { baseClass: 'cup.model.RoundModel', output: { kind: 'vector' } },
  scoring: { scorer: 'spearman', windows: { recent: 604800, steady: 1209600, anchor: 2419200 } },
  ...extra,
});

function problem(doc: unknown): string {
  try {
    parseCompetitionDefinition(doc, 'cup.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('no problem found');
}

describe('a tournament competition file', () => {
  it('derives the feed and the one inactive parameter set, predict(inputs) and a wait for the truth as long as the longest window', () => {
    const def = parseCompetitionDefinition(tournament(), 'cup.yaml');
    expect(def.feed).toMatchObject({ adapter: 'tournament', subjects: ['round'] });
    expect(def.predictions).toEqual([expect.objectContaining({ asset: 'round', horizon: 1, step: 1, active: false })]);
    expect(def.model.predict).toEqual({ method: 'predict', args: [{ name: 'inputs', type: 'JSON' }] });
    expect(def.scoring.maxWaitSeconds).toBe(2419200);
    expect(def.tournament).toMatchObject({ subject: 'round', inputsFolder: null, maxInputBytes: 10_000_000 });
  });

  it('lets predict send the round id as well, by keyword', () => {
    const def = parseCompetitionDefinition(tournament({ model: { baseClass: 'cup.model.RoundModel', predict: { method: 'predict', args: [{ name: 'inputs', type: 'JSON' }, { name: 'round_id', type: 'STRING', keyword: true }] } } }));
    expect(def.model.predict.args.map((a) => a.name)).toEqual(['inputs', 'round_id']);
  });

  it.each([
    [{ feed: { adapter: 'synthetic', subjects: ['BTC'] } }, {}, 'feed: must be absent in a tournament'],
    [{ predictions: [{ asset: 'round', horizon: 1, step: 1, interval: 60 }] }, {}, 'predictions: must be absent in a tournament'],
    [{}, { truth: { type: 'object' } }, 'tournament.truth: must describe a number or a list of numbers'],
    [{}, { truth: { type: 'array', items: { type: 'string' } } }, 'tournament.truth: must describe a number or a list of numbers'],
    [{}, { inputsFolder: 'no-such-folder' }, 'tournament.inputsFolder: no such folder: no-such-folder'],
    [{}, { colour: 'red' }, 'tournament.colour: unknown key'],
    [{ model: { baseClass: 'cup.model.RoundModel', predict: { method: 'predict', args: [{ name: 'asset', type: 'STRING' }] } } }, {}, 'model.predict.args[0].name: must be one of inputs, round_id'],
  ])('refuses %j %j: %s', (extra, section, message) => {
    expect(problem(tournament(extra, section))).toContain(message);
  });

  it('keeps the tournament feed to tournaments', () => {
    const feedGame = {
      id: 'game',
      feed: { adapter: 'tournament', subjects: ['BTC'] },
      model: { baseClass: 'game.tracker.TrackerBase' },
      predictions: [{ asset: 'BTC', horizon: 60, step: 60, interval: 60 }],
      scoring: { scorer: 'mse' },
    };
    expect(problem(feedGame)).toContain('feed.adapter: "tournament" holds no data');
  });

  it('resolves the inputs folder against the competition file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cup-'));
    fs.mkdirSync(path.join(dir, 'rounds'));
    const def = parseCompetitionDefinition(tournament({}, { inputsFolder: 'rounds' }), path.join(dir, 'competition.yaml'));
    expect(def.tournament!.inputsFolder).toBe(path.join(dir, 'rounds'));
  });
});
