import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { runInitIn } from './support/init-runner';
import { reportOf, ROOT, runCheck, temporaryDir, warnings } from './support/run-check';

/**
 * `check` of a tournament: no feed history to replay, so two rounds of synthetic inputs (drawn
 * from the competition's schemas) are opened and resolved with synthetic truths, with the example
 * models of the generated tournament pack on the local orchestrator.
 */
describe('coordinator-node check of a tournament', () => {
  const cwd = temporaryDir('check-tournament-');
  const competitionFile = path.join(cwd, 'demo-cup', 'competition.yaml');

  beforeAll(async () => {
    expect(await runInitIn(cwd, ['demo-cup', '--pack', 'tournament', '--yes'])).toMatchObject({ code: 0 });
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('passes the generated tournament pack: both example models answer two synthetic rounds, scored apart', async () => {
    const result = await runCheck(['--competition', competitionFile, '--json'], cwd);
    const report = reportOf(result);
    expect(warnings(report)).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.tournamentRounds).toBe(2);
    expect(report.configs).toEqual([{ config: 'round-1-1', rounds: 2, scoredPredictions: 4 }]);
    expect(report.models.map((m) => [m.name, m.statuses, m.scoredPredictions])).toEqual([
      ['example-python', { SUCCESS: 2 }, 2],
      ['example-typescript', { SUCCESS: 2 }, 2],
    ]);
    expect(report.models[0].meanScore).not.toEqual(report.models[1].meanScore);
    // Each answer's size, whether it was stored as text or in compact form.
    for (const m of report.models) expect(m.largestPayloadBytes).toBeGreaterThan(0);
    // Reference models forecast prices: not judged for a tournament, and said so.
    expect(report.checks.find((c) => c.check === 'scorer separates')).toMatchObject({ verdict: 'SKIP' });
    expect(result.stderr).toContain('not judged');
  }, 240_000);

  it('prints the rounds it ran in its text report', async () => {
    const result = await runCheck(['--competition', competitionFile], cwd);
    expect(result.stdout).toContain('2 tournament round(s) of synthetic inputs, resolved with synthetic truths');
    expect(result.stdout).toContain('all checks passed');
  }, 240_000);

  it('runs a scorer from EXTENSION_MODULES', async () => {
    const doc = parse(fs.readFileSync(competitionFile, 'utf8')) as Record<string, any>;
    doc.scoring.scorer = 'hit-rate';
    const file = path.join(cwd, 'demo-cup', 'hit-rate.yaml');
    fs.writeFileSync(file, stringify(doc));
    const extension = path.join(ROOT, 'test/fixtures/extensions/hit-rate.module.ts');
    const result = await runCheck(['--competition', file, '--json'], cwd, { EXTENSION_MODULES: extension });
    const report = reportOf(result);
    expect(report.configs[0].scoredPredictions).toBe(4);
    expect(report.models.every((m) => m.meanScore !== null && m.meanScore >= 0 && m.meanScore <= 1)).toBe(true);
    // Without the module, the scorer is unknown: the file is refused before anything runs.
    const without = await runCheck(['--competition', file], cwd);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('unknown scorer "hit-rate"');
  }, 240_000);

  it('fails in one line when no synthetic value fits a schema', async () => {
    const doc = parse(fs.readFileSync(competitionFile, 'utf8')) as Record<string, any>;
    doc.tournament.inputs.properties.market = { type: 'string', pattern: '^[A-Z]{2}$' };
    const file = path.join(cwd, 'demo-cup', 'pattern.yaml');
    fs.writeFileSync(file, stringify(doc));
    const result = await runCheck(['--competition', file], cwd);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('tournament.inputs.market: no synthetic string matches the pattern')]);
  }, 240_000);
});
