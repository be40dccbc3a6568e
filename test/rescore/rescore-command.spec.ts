import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../src/score/rescore/cli/rescore.command';
import { describeEachEngine } from '../support/test-database';

const DEMO = path.join(__dirname, '../../competitions/demo.yaml');

function buffers(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd: process.cwd(), env: { COMPETITION_FILE: DEMO, ...env } }, out, err };
}

describe('coordinator-node rescore: arguments', () => {
  it.each([
    [['--to', '2026-01-01T00:00:00Z'], /--from ISO is required/],
    [['--from', 'yesterday', '--to', '2026-01-01T00:00:00Z'], /--from must be one ISO-8601 datetime/],
    [['--from', '2026-01-02T00:00:00Z', '--to', '2026-01-01T00:00:00Z'], /--from \(2026-01-02T00:00:00.000Z\) is after --to/],
    [['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('refuses %j with one line and exit code 2', async (args, message) => {
    const { io, out, err } = buffers();
    expect(await run(args, io)).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0].trim().split('\n')).toHaveLength(1);
    expect(out).toEqual([]);
  });

  it('prints its usage with --help', async () => {
    const { io, out } = buffers();
    expect(await run(['--help'], io)).toBe(0);
    expect(out.join('')).toMatch(/usage: coordinator-node rescore --from ISO --to ISO/);
  });

  it('refuses, with one line, an embedded data folder a running coordinator holds', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rescore-cli-'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dataDir, 'pglite.lock'), String(holder.pid));
      const { io, err } = buffers({ DATA_DIR: dataDir });
      expect(await run(['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z'], io)).toBe(1);
      expect(err.join('')).toMatch(new RegExp(`in use by process ${holder.pid}`));
      expect(err.join('').trim().split('\n')).toHaveLength(1);
    } finally {
      holder.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describeEachEngine('coordinator-node rescore: against a database', (db) => {
  it('runs a rescore job to its end, records it as the cli key, and refuses nothing when run again', async () => {
    const { io, out, err } = buffers({ DATABASE_URL: db().url });
    expect(await run(['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z'], io)).toBe(0);
    expect(out.join('')).toMatch(/^rescored 0 rounds \(0 still waiting for ground truth\), rewrote 0 cycles; job [0-9a-f-]{36}\n$/);
    expect(err.join('')).toMatch(/rescore: rounds 0\/0/);
    const jobs: Array<{ key_id: string; status: string; kind: string }> = await db().dataSource.query(`SELECT key_id, status, kind FROM admin_jobs`);
    expect(jobs).toEqual([{ key_id: 'cli', status: 'succeeded', kind: 'rescore' }]);
    expect(await run(['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z'], buffers({ DATABASE_URL: db().url }).io)).toBe(0);
  }, 60_000);

  it('resumes the unfinished rescore of the same range and refuses another range while it is active', async () => {
    await db().dataSource.query(
      `INSERT INTO admin_jobs (id, competition_id, kind, parameters, status, progress, key_id, started_at)
       VALUES ('11111111-1111-4111-8111-111111111111', 'condorgame-demo', 'rescore', '{"from":"2026-02-01T00:00:00.000Z","to":"2026-02-02T00:00:00.000Z"}', 'running', '{}', 'cli', now())`,
    );
    const other = buffers({ DATABASE_URL: db().url });
    expect(await run(['--from', '2026-03-01T00:00:00Z', '--to', '2026-03-02T00:00:00Z'], other.io)).toBe(1);
    expect(other.err.join('')).toMatch(/rescore job 11111111-1111-4111-8111-111111111111 is running: one rescore at a time/);
    const same = buffers({ DATABASE_URL: db().url });
    expect(await run(['--from', '2026-02-01T00:00:00Z', '--to', '2026-02-02T00:00:00Z'], same.io)).toBe(0);
    expect(same.err.join('')).toMatch(/resuming job 11111111-1111-4111-8111-111111111111/);
    const [job] = await db().dataSource.query(`SELECT status FROM admin_jobs WHERE id = '11111111-1111-4111-8111-111111111111'`);
    expect(job.status).toBe('succeeded');
  }, 60_000);
});
