import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadCompetitionFile } from '../../src/config/competition/competition.loader';
import { readModelsConfig } from '../../src/local-orchestrator/config/models-config-file';
import { CHECKLIST } from '../../src/cli/init/checklist';
import { projectNames } from '../../src/cli/init/project-name';
import { ReadlinePrompter } from '../../src/cli/init/prompter';
import { runInit } from '../../src/cli/init/init.command';
import { renderTemplate } from '../../src/cli/init/template-renderer';
import { listPacks, locateTemplatesDir } from '../../src/cli/init/template-pack';
import { listFiles, runInitIn, ScriptedPrompter, temporaryDir } from './support/init-runner';

const pythonHas = (module: string) => spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
const HAS_PYTHON_BUILD = pythonHas('build');
const HAS_SETUPTOOLS = pythonHas('setuptools');
// Without a network, `build` can only use the installed setuptools (and wheel, for the wheel).
const BUILD_OFFLINE_FLAGS = HAS_SETUPTOOLS && pythonHas('wheel') ? ['--no-isolation'] : [];

describe('project name rules (npm and PyPI)', () => {
  it.each([
    ['demo-game', 'demo_game'],
    ['weather.v2', 'weather_v2'],
    ['a', 'a'],
    ['rain_now', 'rain_now'],
  ])('accepts %s (Python module %s)', (name, module) => {
    expect(projectNames(name)).toEqual({ project: name, module });
  });

  it.each([
    ['Demo', 'lowercase'],
    ['_demo', 'cannot start with'],
    ['demo game', 'lowercase letters, digits'],
    ['demo-', 'lowercase letters, digits'],
    ['9lives', 'must start with a letter'],
    ['class', 'Python keyword'],
    ['json', 'would hide the Python module'],
    ['http', 'would hide the Python module'],
    ['buffer', 'Node.js core modules'],
    ['a--b', 'separators'],
    ['x'.repeat(65), 'at most 64'],
    ['condorgame', 'stand-in package'],
  ])('refuses %j: %s', (name, reason) => {
    expect(() => projectNames(name)).toThrow(reason);
  });
});

describe('templates', () => {
  it('replace {{name}} placeholders, spaces inside the braces allowed', () => {
    expect(renderTemplate('id: {{name}} / {{ module }}', { name: 'demo-game', module: 'demo_game' }, 't')).toBe('id: demo-game / demo_game');
  });

  it('fail on a placeholder without a value, naming the template', () => {
    expect(() => renderTemplate('{{nope}}', {}, 'python/x.py')).toThrow('template python/x.py: no value for {{nope}}');
  });

  it('ship the realtime and multi-resolution packs', () => {
    expect(listPacks(locateTemplatesDir())).toEqual(expect.arrayContaining(['realtime', 'multi-resolution']));
  });
});

describe('coordinator-node init', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = temporaryDir('init-cli-');
  });

  it('writes a project whose competition file loads and whose models.yaml lists a Python and a TypeScript example', async () => {
    const result = await runInitIn(cwd, ['demo-game', '--pack', 'realtime', '--yes']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('COMPETITION_FILE=demo-game/competition.yaml');
    const dir = path.join(cwd, 'demo-game');
    const competition = loadCompetitionFile(path.join(dir, 'competition.yaml'));
    expect(competition).toMatchObject({ id: 'demo-game', model: { baseClass: 'demo_game.tracker.TrackerBase', output: { kind: 'distributions' } } });
    expect(competition.feed).toMatchObject({ adapter: 'synthetic', subjects: ['BTC', 'ETH'] });
    const models = readModelsConfig(path.join(dir, 'models.yaml'));
    expect(models.problems).toEqual([]);
    expect(models.entries.map((e) => [e.name, e.language])).toEqual([
      ['example-python', 'python'],
      ['example-typescript', 'typescript'],
    ]);
    const files = listFiles(dir);
    expect(files).toEqual(
      expect.arrayContaining([
        'python/pyproject.toml',
        'python/demo_game/tracker.py',
        'python/demo_game/backtest.py',
        'python/tests/test_tracker.py',
        'python/README.md',
        'typescript/package.json',
        'typescript/tracker.js',
        'typescript/tracker.d.ts',
        'typescript/test/tracker.test.js',
      ]),
    );
    for (const file of files.filter((f) => !fs.lstatSync(path.join(dir, f)).isSymbolicLink())) {
      expect({ file, leftover: fs.readFileSync(path.join(dir, file), 'utf8').match(/\{\{\s*\w+\s*\}\}/)?.[0] }).toEqual({ file, leftover: undefined });
    }
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'typescript', 'package.json'), 'utf8')).name).toBe('demo_game');
    expect(fs.readFileSync(path.join(dir, 'python', 'pyproject.toml'), 'utf8')).toMatch(/build-backend = "setuptools.build_meta"[\s\S]*name = "demo-game"/);
  });

  it('generates the base class from the model interface, with a docstring for each argument', async () => {
    const result = await runInitIn(cwd, ['rain', '--yes', '--predict-args', 'asset,horizon:DOUBLE,step,interval', '--base-class', 'RainModel']);
    expect(result.code).toBe(0);
    const tracker = fs.readFileSync(path.join(cwd, 'rain', 'python', 'rain', 'tracker.py'), 'utf8');
    expect(tracker).toContain('class RainModel(ABC):');
    expect(tracker).toContain('def predict(self, asset, horizon, step, interval):');
    expect(tracker).toMatch(/asset \(str\): .*\n\s+horizon \(float\): .*\n\s+step \(int\): .*\n\s+interval \(int\): /);
    expect(fs.readFileSync(path.join(cwd, 'rain', 'typescript', 'tracker.d.ts'), 'utf8')).toContain(
      'abstract predict(asset: string, horizon: number, step: number, interval: number): Density[];',
    );
    expect(loadCompetitionFile(path.join(cwd, 'rain', 'competition.yaml')).model.predict.args).toEqual([
      { name: 'asset', type: 'STRING', keyword: false },
      { name: 'horizon', type: 'DOUBLE', keyword: false },
      { name: 'step', type: 'INT', keyword: false },
      { name: 'interval', type: 'INT', keyword: false },
    ]);
  });

  it('takes answers from an answers file, flags winning over it', async () => {
    fs.writeFileSync(
      path.join(cwd, 'answers.yaml'),
      'name: point-game\npack: realtime\nassets: [SOL]\noutput: vector\nscorer: mae\nresolutions: ["60/15/30"]\nwindows: { recent: 60, steady: 120, anchor: 240 }\nrankBy: steady\n',
    );
    const result = await runInitIn(cwd, ['--answers', 'answers.yaml', '--yes', '--scorer', 'mse']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const competition = loadCompetitionFile(path.join(cwd, 'point-game', 'competition.yaml'));
    expect(competition.feed.subjects).toEqual(['SOL']);
    expect(competition.model.output.kind).toBe('vector');
    expect(competition.scoring.scorer).toBe('mse');
    expect(competition.predictions.map((p) => [p.asset, p.horizon, p.step, p.interval])).toEqual([['SOL', 60, 15, 30]]);
    expect(competition.leaderboard.rankBy).toBe('steady');
  });

  it('refuses a folder that exists and leaves it untouched', async () => {
    fs.mkdirSync(path.join(cwd, 'demo-game'));
    fs.writeFileSync(path.join(cwd, 'demo-game', 'mine.txt'), 'keep');
    const result = await runInitIn(cwd, ['demo-game', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^coordinator-node init: .*demo-game already exists; init never overwrites a folder.*\n$/);
    expect(fs.readdirSync(path.join(cwd, 'demo-game'))).toEqual(['mine.txt']);
  });

  it('refuses an invalid project name in one line, exit code 2', async () => {
    const result = await runInitIn(cwd, ['Demo_Game', '--yes']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'coordinator-node init: invalid project name "Demo_Game": npm package names are lowercase\n' });
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('never prompts without a terminal: without --yes the missing answers are named', async () => {
    const result = await runInitIn(cwd, ['demo-game', '--assets', 'BTC']);
    expect(result.code).toBe(2);
    const missing = CHECKLIST.map((q) => q.key).filter((key) => key !== 'assets');
    expect(result.stderr).toBe(
      `coordinator-node init: missing answers: ${missing.join(', ')} (give them as flags or in --answers FILE; stdin is not a terminal: pass --yes to take the pack defaults)\n`,
    );
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('names the project name when it is missing', async () => {
    const result = await runInitIn(cwd, ['--yes']);
    expect(result).toMatchObject({ code: 2, stderr: 'coordinator-node init: missing answers: name (give NAME, or name: in --answers FILE)\n' });
  });

  it.each([
    [['--scorer', 'mse'], 'invalid answer scorer: "mse" cannot score output "distributions"; use one of density-pdf, density-log-likelihood, crps'],
    [['--resolutions', '100/30/10'], 'invalid answer resolutions: step 30 must divide horizon 100'],
    [['--predict-args', 'asset,step'], 'invalid answer predictArgs: must include horizon'],
    [['--feed', 'ftp'], 'invalid answer feed: must be one of synthetic'],
    [['--description', 'say """hi"""'], 'invalid answer description: one line, without backslashes or triple quotes'],
    [['--pack', 'league'], 'unknown pack "league" (packs: multi-resolution, realtime, tournament)'],
    [['--colour', 'red'], "Unknown option '--colour'"],
  ])('refuses %j with a message naming the answer', async (flags, message) => {
    const result = await runInitIn(cwd, ['demo-game', '--yes', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('--help lists every checklist flag', async () => {
    const result = await runInitIn(cwd, ['--help']);
    expect(result.code).toBe(0);
    for (const q of CHECKLIST) expect(result.stdout).toContain(`--${q.flag}`);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('with --yes, does not prompt even on a terminal', async () => {
    const prompter = new ScriptedPrompter([]);
    const result = await runInitIn(cwd, ['demo-game', '--yes'], prompter);
    expect(result.code).toBe(0);
    expect(prompter.asked).toEqual([]);
  });

  it('refuses an answers file with an unknown key', async () => {
    fs.writeFileSync(path.join(cwd, 'a.yaml'), 'name: demo-game\nasets: [BTC]\n');
    const result = await runInitIn(cwd, ['--answers', 'a.yaml', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--answers');
    expect(result.stderr).toContain('unknown key "asets"');
  });

  it('on a terminal, asks every checklist question not answered, showing the pack default and asking again after a bad reply', async () => {
    const replies = ['Demo Game', 'demo-game', '', ...CHECKLIST.map((q) => (q.key === 'assets' ? 'BTC,SOL' : q.key === 'granularity' ? 'soon' : ''))];
    replies.splice(replies.indexOf('soon') + 1, 0, '10'); // the reply after the rejected one
    const prompter = new ScriptedPrompter(replies);
    const result = await runInitIn(cwd, [], prompter);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(prompter.asked[0]).toEqual({ prompt: 'Project name (npm and PyPI package name)', defaultText: undefined });
    expect(prompter.asked[2].defaultText).toBe('realtime');
    expect(prompter.asked.find((a) => a.prompt.startsWith('Input data shape: the subjects'))?.defaultText).toBe('BTC,ETH');
    expect(prompter.notes).toEqual([
      '  invalid project name "Demo Game": npm package names are lowercase',
      '  granularity: must be a whole number of seconds >= 1, got "soon"',
    ]);
    const competition = loadCompetitionFile(path.join(cwd, 'demo-game', 'competition.yaml'));
    expect(competition.feed).toMatchObject({ subjects: ['BTC', 'SOL'], granularity: 10 });
  });

  it('asks only what flags do not answer', async () => {
    const prompter = new ScriptedPrompter([]);
    const result = await runInitIn(cwd, ['demo-game', '--pack', 'realtime', '--description', 'Rain tomorrow.', '--assets', 'BTC'], prompter);
    expect(result.code).toBe(0);
    const asked = prompter.asked.map((a) => a.prompt);
    expect(asked).not.toContain(CHECKLIST.find((q) => q.key === 'assets')!.prompt);
    expect(asked).not.toContain(CHECKLIST.find((q) => q.key === 'description')!.prompt);
    expect(asked).toHaveLength(CHECKLIST.length - 2);
  });

  it('asks for a tournament only the questions its pack lists (asks:), the others taking the pack defaults', async () => {
    const prompter = new ScriptedPrompter([]);
    const result = await runInitIn(cwd, ['demo-cup', '--pack', 'tournament'], prompter);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const keyOf = (prompt: string) => CHECKLIST.find((q) => q.prompt === prompt)?.key;
    expect(prompter.asked.map((a) => keyOf(a.prompt))).toEqual(['description', 'baseClass', 'scorer', 'windows', 'rankBy']);
    const competition = loadCompetitionFile(path.join(cwd, 'demo-cup', 'competition.yaml'));
    expect(competition.tournament).toMatchObject({ subject: 'round', inputsFolder: path.join(cwd, 'demo-cup', 'rounds') });
    expect(competition.feed.adapter).toBe('tournament');
    expect(competition.model.predict).toEqual({ method: 'predict', args: [{ name: 'inputs', type: 'JSON', keyword: false }] });
    expect(competition.scoring.scorer).toBe('spearman');
    const files = listFiles(path.join(cwd, 'demo-cup'));
    expect(files).toEqual(expect.arrayContaining(['post-rounds.mjs', 'rounds/example-round.json', 'python/demo_cup/model.py', 'typescript/model.js']));
    // A tournament's participant package is its own: no price tracker.
    expect(files.filter((f) => f.includes('tracker'))).toEqual([]);
    expect(result.stdout).toContain('node demo-cup/post-rounds.mjs');
  });

  it('refuses a pack whose asks: names no checklist question', async () => {
    const templates = temporaryDir('init-packs-');
    fs.cpSync(locateTemplatesDir(), templates, { recursive: true });
    const packYaml = path.join(templates, 'packs', 'tournament', 'pack.yaml');
    fs.writeFileSync(packYaml, fs.readFileSync(packYaml, 'utf8').replace('asks: [description,', 'asks: [colour, description,'));
    const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), cwd, env: {} };
    let stderr = '';
    expect(await runInit(['demo-cup', '--pack', 'tournament', '--yes'], io, { prompter: null, templatesDir: templates })).toBe(2);
    expect(stderr).toContain('asks must be a list of checklist keys');
  });

  it('prompts through readline/promises with the default in brackets', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk) => (shown += String(chunk)));
    const prompter = new ReadlinePrompter(input, output);
    const first = prompter.ask('Seconds between ticks', '10');
    input.write('\n');
    expect(await first).toBe('10');
    const second = prompter.ask('Assets', 'BTC');
    input.write(' ETH \n');
    expect(await second).toBe('ETH');
    prompter.close();
    expect(shown).toBe('Seconds between ticks [10]: Assets [BTC]: ');
  });
});

describe('a pack is a folder', () => {
  /** A templates dir with one pack made of files only: realtime's defaults and competition file. */
  function templatesWith(pack: string, packYaml: string): string {
    const templates = temporaryDir('init-templates-');
    const real = locateTemplatesDir();
    fs.mkdirSync(path.join(templates, 'packs', pack, 'files', 'notes'), { recursive: true });
    fs.writeFileSync(path.join(templates, 'packs', pack, 'pack.yaml'), packYaml);
    fs.copyFileSync(path.join(real, 'packs', 'realtime', 'files', 'competition.yaml'), path.join(templates, 'packs', pack, 'files', 'competition.yaml'));
    fs.writeFileSync(path.join(templates, 'packs', pack, 'files', 'notes', '{{module}}.txt'), '{{name}} predicts {{assets_text}} with {{scorer}}\n');
    // The realtime competition file names the models file its pack writes beside it.
    fs.writeFileSync(path.join(templates, 'packs', pack, 'files', 'models.yaml'), 'models: []\n');
    return templates;
  }
  const realtimeDefaults = fs.readFileSync(path.join(locateTemplatesDir(), 'packs', 'realtime', 'pack.yaml'), 'utf8').match(/^defaults:\n(?:  .*\n)+/m)![0];

  it('renders a new pack from its folder alone, placeholders in paths included', async () => {
    const cwd = temporaryDir('init-mini-');
    let stdout = '';
    const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stdout += t), cwd, env: {} };
    const code = await runInit(['mini-game', '--pack', 'mini', '--yes'], io, { prompter: null, templatesDir: templatesWith('mini', `summary: tiny\n${realtimeDefaults}`) });
    expect({ code, stdout }).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(cwd, 'mini-game', 'notes', 'mini_game.txt'), 'utf8')).toBe('mini-game predicts BTC, ETH with density-pdf\n');
    expect(loadCompetitionFile(path.join(cwd, 'mini-game', 'competition.yaml')).id).toBe('mini-game');
  });

  it('refuses a pack whose competition file names a models file the pack does not write, and leaves nothing behind', async () => {
    const cwd = temporaryDir('init-no-models-');
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), cwd, env: {} };
    const templates = templatesWith('lonely', `summary: no models\n${realtimeDefaults}`);
    fs.rmSync(path.join(templates, 'packs', 'lonely', 'files', 'models.yaml'));
    const code = await runInit(['mini-game', '--pack', 'lonely', '--yes'], io, { prompter: null, templatesDir: templates });
    expect(code).toBe(2);
    expect(stderr).toContain('no such models file: models.yaml');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('removes a half-written project when writing fails (exit code 1)', async () => {
    const cwd = temporaryDir('init-broken-');
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), cwd, env: {} };
    const packYaml = `summary: broken\n${realtimeDefaults}links:\n  - { path: competition.yaml, target: elsewhere }\n`;
    const code = await runInit(['mini-game', '--pack', 'broken', '--yes'], io, { prompter: null, templatesDir: templatesWith('broken', packYaml) });
    expect(code).toBe(1);
    expect(stderr).toContain('EEXIST');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});

describe.each([
  ['realtime', []],
  ['multi-resolution', []],
  ['realtime', ['--output', 'number', '--scorer', 'mse', '--predict-args', 'horizon,step:DOUBLE,asset,interval', '--base-class', 'Forecaster']],
])('the participant packages generated from the %s pack %j', (pack, flags) => {
  const cwd = temporaryDir('init-packages-');
  const dir = path.join(cwd, 'demo-game');
  beforeAll(async () => {
    expect((await runInitIn(cwd, ['demo-game', '--yes', '--pack', pack, ...flags])).code).toBe(0);
  });

  it('Python: the tests pass with python3 -m unittest', () => {
    const run = spawnSync('python3', ['-m', 'unittest', '-v'], { cwd: path.join(dir, 'python'), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toMatchObject({ status: 0 });
    expect(run.stderr).toMatch(/Ran [1-9]\d* tests/);
  });

  (HAS_PYTHON_BUILD ? it : it.skip)(`Python: builds an sdist and a wheel with python3 -m build${HAS_PYTHON_BUILD ? '' : ' (skipped: python3 -c "import build" fails here)'}`, () => {
    const out = temporaryDir('init-build-');
    const run = spawnSync('python3', ['-m', 'build', ...BUILD_OFFLINE_FLAGS, '--outdir', out], { cwd: path.join(dir, 'python'), encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toMatchObject({ status: 0 });
    expect(fs.readdirSync(out).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/\.tar\.gz$/), 'demo_game-0.1.0-py3-none-any.whl']));
  });

  (HAS_SETUPTOOLS ? it : it.skip)(`Python: its pyproject.toml builds an sdist with the setuptools backend (PEP 517)${HAS_SETUPTOOLS ? '' : ' (skipped: no setuptools)'}`, () => {
    const out = temporaryDir('init-sdist-');
    const script = `import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))`;
    const run = spawnSync('python3', ['-c', script, out], { cwd: path.join(dir, 'python'), encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toMatchObject({ status: 0 });
    const [sdist] = fs.readdirSync(out);
    expect(sdist).toMatch(/^demo[-_]game-0\.1\.0\.tar\.gz$/);
    const listing = spawnSync('tar', ['-tzf', path.join(out, sdist)], { encoding: 'utf8' }).stdout;
    expect(listing).toMatch(/demo_game\/tracker\.py/);
    expect(listing).toMatch(/demo_game\/backtest\.py/);
  });

  it('TypeScript: the tests pass with node --test', () => {
    const run = spawnSync(process.execPath, ['--test', 'test/'], { cwd: path.join(dir, 'typescript'), encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout.slice(-2000) }).toMatchObject({ status: 0 });
    expect(run.stdout).toMatch(/# pass [1-9]/);
  });

  it('the README gives the exact build and publish commands', () => {
    const readme = fs.readFileSync(path.join(dir, 'python', 'README.md'), 'utf8');
    for (const command of ['python3 -m unittest', 'python3 -m build', 'python3 -m twine upload dist/*']) expect(readme).toContain(command);
  });
});
