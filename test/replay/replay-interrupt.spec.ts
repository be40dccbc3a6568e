import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO, DEMO_PRICES, FIXTURES, ROOT } from './support/run-replay';

describe('coordinator-node replay stopped with Ctrl-C', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-sigint-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('stops after the current step, exits 130 and writes the outputs of the part replayed', async () => {
    const child = spawn(
      process.execPath,
      ['-r', './test/support/register-typescript.js', 'test/replay/support/replay-main.ts', '--competition', DEMO, '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T06:00:00Z', '--prices', DEMO_PRICES, '--models', path.join(FIXTURES, 'models.yaml'), '--out', out],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        // The first progress line: the replay is under way.
        if (/replay: 00:05:00 \(1%\)/.test(stderr)) resolve();
      });
      void exited.then(() => reject(new Error(`exited before any progress: ${stderr}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/replay: stopped at 2026-01-01T00:\d\d:\d\d.000Z \(Ctrl-C\); writing the outputs of the part replayed/);
    expect(stdout).toMatch(/^rank\s+model/);
    const rounds = fs.readFileSync(path.join(out, 'rounds.csv'), 'utf8').trimEnd().split('\n').slice(1);
    expect(rounds.length).toBeGreaterThanOrEqual(30);
    expect(rounds.length).toBeLessThan(6 * 360 + 6 * 60);
    expect(fs.existsSync(path.join(out, 'report.html'))).toBe(true);
  }, 240_000);
});
