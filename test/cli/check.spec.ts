import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoVariant, DEMO, fixedAnswerModel, modelsFile, reportOf, ROOT, runCheck, temporaryDir, warnings } from './support/run-check';

/** Short runs on a one-asset copy of the demo, so each crafted case takes seconds. */
function oneAsset(doc: Record<string, any>): void {
  doc.feed.subjects = ['BTC'];
  doc.feed.options = { seed: 42, startPrices: { BTC: 60000 } };
  doc.feed.historySeconds = 600;
  doc.predictions = [
    { asset: 'BTC', horizon: 120, step: 30, interval: 40, group: 'fast', order: 0 },
    { asset: 'BTC', horizon: 300, step: 60, interval: 120, group: 'slow', order: 0 },
  ];
}

describe('coordinator-node check', () => {
  it('passes the demo competition with its example models: exit 0, every check PASS, a readable report', async () => {
    const result = await runCheck(['--competition', DEMO, '--models', path.join(ROOT, 'deployment/models.yaml')]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(result.stdout).toMatch(/^check of condorgame-demo /);
    for (const config of ['BTC-120-30', 'ETH-120-30', 'SOL-120-30', 'XAU-120-30', 'BTC-300-60', 'ETH-300-60']) expect(result.stdout).toMatch(new RegExp(`^${config} +\\d+ +[1-9]\\d*$`, 'm'));
    for (const model of ['gaussian-ewma (1)', 'student-t (2)', 'normal-mixture (3)', 'reference-constant (check-constant)', 'reference-informed (check-informed)']) {
      expect(result.stdout).toContain(model);
    }
    expect(result.stdout).toMatch(/^PASS  scorer separates: the informed reference model beats the constant one/m);
    expect(result.stdout).not.toMatch(/^(WARN|SKIP) /m);
    expect(result.stdout).toContain('all checks passed');
  }, 300_000);

  describe('on a degenerate game (two identical models whose density is zero where prices go, a model that raises, one that cannot be imported, the ranking direction reversed, a run shorter than a horizon)', () => {
    let result: Awaited<ReturnType<typeof runCheck>>;
    let messages: string[];

    beforeAll(async () => {
      const dir = temporaryDir('check-degenerate-');
      const competition = demoVariant(dir, (doc) => {
        oneAsset(doc);
        doc.leaderboard.direction = 'lower';
      });
      const farAway = "{ type: 'builtin', name: 'norm', params: { loc: 1000, scale: 0.001 } }";
      const models = modelsFile(dir, [
        { name: 'twin-a', codeDir: fixedAnswerModel(dir, 'twin-a', farAway) },
        { name: 'twin-b', codeDir: fixedAnswerModel(dir, 'twin-b', farAway) },
        { name: 'raises', codeDir: path.join(ROOT, 'deployment/models-faulty/raises') },
        { name: 'import-error', codeDir: path.join(ROOT, 'deployment/models-faulty/import-error') },
      ]);
      result = await runCheck(['--competition', competition, '--models', models, '--duration', '250', '--json']);
      messages = warnings(reportOf(result));
    }, 180_000);

    it('exits 2', () => {
      expect(result.code).toBe(2);
    });

    it('warns that an example model did not start, naming it and why', () => {
      expect(messages).toContainEqual(expect.stringMatching(/^models answer: example model import-error \(m4\) did not start: .*Cannot find module 'a-package-that-is-not-installed'/));
      expect(messages.every((m) => !m.includes('\n'))).toBe(true);
    });

    it('warns that an example model answered no SUCCESS prediction, with its status counts and first failure', () => {
      expect(messages).toContainEqual(expect.stringMatching(/^models answer: example model raises \(m3\) answered no SUCCESS prediction \(\d+ FAILED; first failure: .*deliberate failure in predict/));
    });

    it('warns that every example model has the same mean score', () => {
      expect(messages).toContainEqual('scores differ: every example model has the same mean score (0): the leaderboard cannot rank them');
    });

    it('warns that every score is zero', () => {
      expect(messages).toContainEqual(expect.stringMatching(/^scores not zero: every score of the example models is zero/));
    });

    it('warns that a prediction config has no scored prediction', () => {
      expect(messages).toContainEqual(expect.stringMatching(/^configs scored: prediction config BTC-300-60 has no scored prediction \(\d+ round\(s\) ran/));
      expect(messages.join('\n')).not.toContain('BTC-120-30');
    });

    it('warns that the ranking puts the constant reference model above the informed one', () => {
      expect(messages).toContainEqual(expect.stringMatching(/^scorer separates: the scorer ranks the constant reference model above the informed one \(informed [\d.e+-]+, constant [\d.e+-]+, lower is better\)$/));
    });

    it('lists every model with its status counts and scores in the JSON report', () => {
      const report = reportOf(result);
      expect(report.models.map((m) => [m.id, m.role])).toEqual([
        ['m1', 'example'],
        ['m2', 'example'],
        ['m3', 'example'],
        ['m4', 'example'],
        ['check-constant', 'reference-constant'],
        ['check-informed', 'reference-informed'],
      ]);
      expect(report.models[0]).toMatchObject({ meanScore: 0, allScoresZero: true, notRunning: null });
      expect(report.models[0].statuses.SUCCESS).toBeGreaterThan(0);
      expect(report.exitCode).toBe(2);
    });
  });

  it('warns when a payload is above 80% of model.maxPredictionBytes, saying how near', async () => {
    const dir = temporaryDir('check-payload-');
    const mixture =
      "{ type: 'mixture', components: [0.001, 0.002, 0.004].map((scale, i) => ({ density: { type: 'builtin', name: 'norm', params: { loc: 0, scale } }, weight: [0.5, 0.3, 0.2][i] })) }";
    const codeDir = fixedAnswerModel(dir, 'mixture', mixture);
    // The answer to a 120 s / 30 s request: four mixtures, as the runner writes them.
    const components = [0.001, 0.002, 0.004].map((scale, i) => ({ density: { type: 'builtin', name: 'norm', params: { loc: 0, scale } }, weight: [0.5, 0.3, 0.2][i] }));
    const bytes = JSON.stringify(Array.from({ length: 4 }, () => ({ type: 'mixture', components }))).length;
    const competition = demoVariant(dir, (doc) => {
      oneAsset(doc);
      doc.predictions = doc.predictions.slice(0, 1);
      doc.model.maxPredictionBytes = Math.ceil(bytes / 0.9);
    });
    const result = await runCheck(['--competition', competition, '--models', modelsFile(dir, [{ name: 'mixture', codeDir }]), '--duration', '200', '--json']);
    expect(result.code).toBe(2);
    expect(warnings(reportOf(result))).toEqual([`payload size: model mixture (m1)'s largest payload is ${bytes} bytes, 90% of model.maxPredictionBytes (${Math.ceil(bytes / 0.9)})`]);
  }, 180_000);

  it('replays a feed competition whose scorer comes from EXTENSION_MODULES, ranking in the scorer\'s own direction', async () => {
    const dir = temporaryDir('check-extension-');
    const competition = demoVariant(dir, (doc) => {
      oneAsset(doc);
      doc.predictions = doc.predictions.slice(0, 1);
      doc.scoring.scorer = 'location-error';
    });
    const near = fixedAnswerModel(dir, 'near', "{ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.001 } }");
    const far = fixedAnswerModel(dir, 'far', "{ type: 'builtin', name: 'norm', params: { loc: 0.05, scale: 0.001 } }");
    const models = modelsFile(dir, [{ name: 'near', codeDir: near }, { name: 'far', codeDir: far }]);
    const extension = path.join(ROOT, 'test/fixtures/extensions/location-error.module.ts');
    const result = await runCheck(['--competition', competition, '--models', models, '--duration', '200', '--json'], undefined, { EXTENSION_MODULES: extension });
    expect(result.code).not.toBe(1);
    const report = reportOf(result);
    const byName = Object.fromEntries(report.models.map((m) => [m.name, m]));
    expect(byName.near.scoredPredictions).toBeGreaterThan(0);
    // Lower is better for this scorer: the model nearer the truth has the smaller mean.
    expect(byName.near.meanScore!).toBeLessThan(byName.far.meanScore!);
    expect(report.checks.find((c) => c.check === 'scorer separates')?.message ?? '').not.toContain('direction is unknown');
    // Without the module the scorer is unknown: the file is refused before anything runs.
    const without = await runCheck(['--competition', competition, '--models', models]);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('unknown scorer "location-error"');
  }, 180_000);

  it('skips the separation check with a visible warning when the reference models cannot answer the output kind', async () => {
    const dir = temporaryDir('check-skip-');
    const competition = demoVariant(dir, (doc) => {
      oneAsset(doc);
      doc.predictions = doc.predictions.slice(0, 1);
      doc.model.output = { kind: 'any' };
    });
    const normal = "{ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.001 } }";
    const result = await runCheck(['--competition', competition, '--models', modelsFile(dir, [{ name: 'normal', codeDir: fixedAnswerModel(dir, 'normal', normal) }]), '--duration', '200']);
    expect(result.stdout).toMatch(/^SKIP  scorer separates: no reference models: output kind "any": the reference models answer density forecasts only$/m);
    expect(result.stderr).toContain('coordinator-node check: warning: scorer separates not judged: no reference models: output kind "any"');
    expect(result.stdout).not.toContain('reference-constant');
    expect(result.code).toBe(0);
  }, 180_000);

  it('exits 1 on an invalid competition file, printing its one-line error', async () => {
    const dir = temporaryDir('check-invalid-');
    const unknownScorer = demoVariant(dir, (doc) => (doc.scoring.scorer = 'no-such-scorer'));
    const result = await runCheck(['--competition', unknownScorer]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^coordinator-node check: .*competition\.yaml: scoring\.scorer: unknown scorer "no-such-scorer"; known scorers: .*\n$/);

    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'id: x\nfeed: [unclosed\n');
    const broken = await runCheck(['--competition', path.join(dir, 'broken.yaml')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('exits 2 on bad arguments, naming the flag', async () => {
    expect(await runCheck(['--bogus'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^coordinator-node check: .*--bogus.*\(see --help\)\n$/) });
    expect(await runCheck(['--duration', 'soon'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--duration must be a whole number of seconds') });
    expect(await runCheck(['--competition', '/nowhere/competition.yaml'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--competition: /nowhere/competition.yaml does not exist') });
    expect(await runCheck(['--models', '/nowhere/models.yaml'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--models: /nowhere/models.yaml does not exist') });
  });

  it('prints its usage with --help and exits 0', async () => {
    const result = await runCheck(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: coordinator-node check /);
  });
});
