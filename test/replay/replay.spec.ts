import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { createTestDatabase, TestDatabase, testEngines } from '../support/test-database';
import { DEMO, DEMO_PRICES, FIXTURES, MODELS, ROOT, runReplay, VARIANT } from './support/run-replay';

const INLINE_MODELS = path.join(FIXTURES, 'inline-models.yaml');
/** Six minutes: the first leaderboards, and one reward checkpoint of the variant (period 00:00-00:05, taken at 00:05:30). */
const RANGE = ['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T00:06:00Z'];
const TABLES = ['scores', 'rounds', 'snapshots', 'leaderboards', 'payouts'];

const readCsv = (dir: string, name: string) => fs.readFileSync(path.join(dir, `${name}.csv`), 'utf8').trimEnd().split('\n');

for (const engine of testEngines()) {
  describe(`coordinator-node replay of the demo [${engine}]`, () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `replay-${engine}-`));
    const out = path.join(root, 'out');
    let db: TestDatabase | undefined;
    let result: Awaited<ReturnType<typeof runReplay>>;

    beforeAll(async () => {
      if (engine === 'postgres') db = await createTestDatabase('postgres');
      result = await runReplay(['--competition', DEMO, ...RANGE, '--prices', DEMO_PRICES, '--models', MODELS, '--out', out, ...(db ? ['--database', db.url] : [])]);
    }, 240_000);
    afterAll(async () => {
      await db?.close();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('runs the JS and Python models through the real local orchestrator and prints the final leaderboard', () => {
      expect(result.stderr).not.toMatch(/does not run/);
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^rank\s+model\s+player\s+recent\s+steady\s+anchor\s+scored$/);
      expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[1]).sort()).toEqual(['gaussian-ewma', 'normal-mixture', 'student-t']);
      expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['1', '2', '3']);
      expect(result.stderr).toMatch(/360 simulated s in [\d.]+ wall s \(\d+x\); scoring [\d.]+ s \(\d+ predictions in \d+ cycles\), model calls [\d.]+ s, database [\d.]+ s, other [\d.]+ s/);
    });

    it('asks every model every round of the range, after the history tick, and scores the rounds that resolved', () => {
      const rounds = readCsv(out, 'rounds');
      expect(rounds[0]).toBe('round_at,asset,horizon,step,models,success,failed,timeout,absent');
      // fast group: one round every 10 s from 00:00:00 to 00:06:00; slow group: one every 60 s.
      expect(rounds.length - 1).toBe(37 + 7);
      for (const line of rounds.slice(1)) expect(line).toMatch(/,3,3,0,0,0$/);
      const scores = readCsv(out, 'scores').slice(1);
      expect(scores).toHaveLength(44 * 3);
      const scored = scores.filter((l) => /,SUCCESS,,-?[\d.e-]+,true,,/.test(l));
      // a 120 s round is scored once its horizon passed (and the 15 s scoring cycle ran): those up to 00:03:45 at least.
      expect(scored.length).toBeGreaterThanOrEqual(3 * 20);
    });

    it('writes snapshots and leaderboards of every scoring cycle, as CSV and as Parquet with the same rows', async () => {
      for (const name of TABLES) {
        const csvRows = readCsv(out, name).length - 1;
        const bytes = fs.readFileSync(path.join(out, `${name}.parquet`));
        const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
        expect([name, rows.length]).toEqual([name, csvRows]);
      }
      const leaderboards = readCsv(out, 'leaderboards');
      expect(leaderboards[0]).toBe('at,rank,model_id,model_name,cruncher_id,score_recent,score_steady,score_anchor,scored_count');
      expect(leaderboards.length - 1).toBeGreaterThanOrEqual(3 * 10);
      expect(readCsv(out, 'snapshots').length - 1).toBeGreaterThanOrEqual(3 * 10);
    });

    it('writes a self-contained HTML report: leaderboard, a score chart per model, round health, no external URL', () => {
      const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(html).toMatch(/<h2>Final leaderboard<\/h2>/);
      expect(html.match(/<svg /g)).toHaveLength(3);
      expect(html).toMatch(/<td class="l">all rounds<\/td><td>44<\/td><td>132<\/td><td>0<\/td><td>0<\/td><td>0<\/td>/);
      expect(html).not.toMatch(/https?:|\/\/[a-z0-9]|<script|<link|src=|href=|url\(/i);
    });
  });
}

describe('coordinator-node replay determinism', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-twice-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('gives byte-identical CSV outputs for the same inputs', async () => {
    const dirs = [path.join(root, 'a'), path.join(root, 'b')];
    for (const dir of dirs) expect((await runReplay(['--competition', DEMO, ...RANGE, '--prices', DEMO_PRICES, '--models', INLINE_MODELS, '--out', dir])).code).toBe(0);
    for (const name of TABLES) {
      const [a, b] = dirs.map((dir) => fs.readFileSync(path.join(dir, `${name}.csv`)));
      if (!a.equals(b)) {
        const [la, lb] = [a, b].map((bytes) => bytes.toString('utf8').split('\n'));
        const first = la.findIndex((line, i) => line !== lb[i]);
        expect({ name, lines: [la.length, lb.length], first, a: la.slice(first, first + 3), b: lb.slice(first, first + 3) }).toBeUndefined();
      }
    }
    expect(readCsv(dirs[0], 'scores').length).toBeGreaterThan(1);
  }, 240_000);
});

describe('coordinator-node replay of a competition scored by a team\'s own scorer', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-extension-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const competition = path.join(root, 'location-error.yaml');
  fs.writeFileSync(competition, fs.readFileSync(DEMO, 'utf8').replace(/^(\s*scorer:\s*).*$/m, '$1location-error'));
  const extension = path.join(ROOT, 'test/fixtures/extensions/location-error.module.ts');

  it('loads EXTENSION_MODULES as the node does and scores the rounds with it', async () => {
    const out = path.join(root, 'out');
    const result = await runReplay(['--competition', competition, ...RANGE, '--prices', DEMO_PRICES, '--models', INLINE_MODELS, '--out', out], { EXTENSION_MODULES: extension });
    expect(result).toMatchObject({ code: 0 });
    const [header, ...rows] = readCsv(out, 'scores');
    const value = header.split(',').indexOf('score');
    const scored = rows.map((r) => r.split(',')[value]).filter((v) => v !== '');
    expect(scored.length).toBeGreaterThan(0);
    // A mean distance of locations from log-returns: small and never negative (density-pdf's values are in the hundreds).
    expect(scored.every((v) => Number(v) >= 0 && Number(v) < 1)).toBe(true);
  }, 240_000);

  it('refuses the competition in one line, before anything runs, without the module', async () => {
    const result = await runReplay(['--competition', competition, ...RANGE, '--prices', DEMO_PRICES, '--models', INLINE_MODELS, '--out', path.join(root, 'none')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('unknown scorer "location-error"')]);
    expect(fs.existsSync(path.join(root, 'none'))).toBe(false);
  });
});

describe('coordinator-node replay --compare', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-compare-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('replays both variants on the same prices and models, then lists the rank changes (table and CSV), with the variant paying its checkpoint', async () => {
    const result = await runReplay(['--compare', DEMO, VARIANT, ...RANGE, '--prices', DEMO_PRICES, '--models', INLINE_MODELS, '--out', root]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^model\s+rank A \(demo\.yaml\)\s+rank B \(demo-variant\.yaml\)\s+change$/);
    expect(lines).toHaveLength(3);
    const csv = readCsv(root, 'rank-changes');
    expect(csv[0]).toBe('model_id,model_name,rank_a,rank_b,change');
    expect(csv.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(['1', '2']);
    for (const line of csv.slice(1)) {
      const [, , a, b, change] = line.split(',');
      expect(Number(change)).toBe(Number(a) - Number(b));
    }
    expect(readCsv(path.join(root, 'A-demo'), 'payouts')).toHaveLength(1); // the demo pays nothing
    const payouts = readCsv(path.join(root, 'B-demo-variant'), 'payouts');
    expect(payouts[0]).toBe('period_start,period_end,horizon,rank,model_id,player_id,score,amount,units');
    expect(payouts.slice(1).every((l) => l.startsWith('2026-01-01T00:00:00.000Z,2026-01-01T00:05:00.000Z,'))).toBe(true);
    expect(payouts.length - 1).toBeGreaterThanOrEqual(2);
  }, 300_000);
});
