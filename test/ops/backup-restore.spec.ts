import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { run as backup } from '../../src/cli/backup/backup.command';
import { run as restore } from '../../src/cli/backup/restore.command';
import { CommandIo } from '../../src/cli/command-io';
import { embeddedDatabaseDir } from '../../src/database/embedded-postgres';
import { ReportSeed } from '../report/support/report-seed';
import { demoCompetition } from '../report/support/report-test-app';
import { createTestDatabase } from '../support/test-database';
import { tableContents } from './support/table-contents';

const ROOT = path.resolve(__dirname, '../..');

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command as bin/coordinator-node.js would, with `env` only (no .env file is read). */
async function command(run: (args: string[], io: CommandIo) => Promise<number>, args: string[], env: Record<string, string>): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: ROOT, env: { PATH: process.env.PATH, ENV_FILE: '/nonexistent', ...env } };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** Predictions (scored and not), score snapshots, leaderboards, models and a feed record, as the pipeline stores them. */
async function seedCompetition(ds: DataSource): Promise<void> {
  const seed = new ReportSeed(ds, demoCompetition());
  await seed.competition();
  for (const id of ['m-alpha', 'm-beta']) await seed.model({ id, name: id.slice(2) });
  for (let minute = 0; minute < 30; minute++) {
    const at = new Date(Date.UTC(2025, 0, 1, 10, minute)).toISOString();
    await seed.prediction({ modelId: 'm-alpha', performedAt: at, score: minute / 10, scoreSuccess: true, scoredAt: at });
    await seed.prediction({ modelId: 'm-beta', performedAt: at, status: minute % 7 === 0 ? 'TIMEOUT' : 'SUCCESS', score: minute % 3 === 0 ? null : 0.5 });
    await seed.snapshot({ modelId: 'm-alpha', at, recent: minute, steady: minute / 2, anchor: null });
  }
  await seed.leaderboard('2025-01-01T10:30:00.000Z', [
    { rank: 1, model_id: 'm-alpha', score_recent: 2.9 },
    { rank: 2, model_id: 'm-beta', score_recent: 0.5 },
  ]);
  await seed.feedRecord({ subject: 'BTC', ts: '2025-01-01T10:00:00.000Z', values: { price: 97000.5 } });
}

function expectPipelineRows(contents: Record<string, string[]>): void {
  expect(contents.predictions).toHaveLength(60);
  expect(contents.score_snapshots).toHaveLength(30);
  expect(contents.leaderboards).toHaveLength(1);
  expect(contents.models).toHaveLength(2);
}

describe('npm run backup / restore: the embedded database', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-backup-'));
  const source = path.join(work, 'source');
  let before: Record<string, string[]>;
  let holder: ChildProcess | undefined;

  beforeAll(async () => {
    const db = await createTestDatabase('pglite', { dataDir: embeddedDatabaseDir(source) });
    try {
      await seedCompetition(db.dataSource);
      before = await tableContents(db.dataSource);
    } finally {
      await db.close();
    }
    expectPipelineRows(before);
  }, 120_000);

  afterAll(() => {
    holder?.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('backs up to --out FILE and restores into a fresh data folder, with every prediction, score and leaderboard', async () => {
    const file = path.join(work, 'embedded.backup');
    const saved = await command(backup, ['--out', file], { DATA_DIR: source });
    expect(saved).toEqual({ code: 0, stdout: `backed up the embedded database at ${embeddedDatabaseDir(source)} to ${file}\n`, stderr: '' });
    expect(fs.readdirSync(work).filter((name) => name.includes('.partial'))).toEqual([]);

    const fresh = path.join(work, 'fresh');
    const restored = await command(restore, ['--in', file], { DATA_DIR: fresh });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^restored .* into the embedded database at .*fresh\/pglite \(\d+ migrations applied in it\)\n$/);

    const db = await createTestDatabase('pglite', { dataDir: embeddedDatabaseDir(fresh), migrate: false });
    try {
      const after = await tableContents(db.dataSource);
      expectPipelineRows(after);
      expect(after).toEqual(before);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('refuses to back up while a coordinator holds the folder, in one line naming its process', async () => {
    holder = spawn(process.execPath, ['-r', './test/support/register-typescript.js', 'test/ops/support/hold-embedded-database.ts', embeddedDatabaseDir(source)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      holder!.once('exit', (code) => reject(new Error(`the holder exited (${code})`)));
    });
    const file = path.join(work, 'while-running.backup');
    const refused = await command(backup, ['--out', file], { DATA_DIR: source });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`coordinator-node backup: the embedded database at ${embeddedDatabaseDir(source)} is in use by process ${holder.pid} (a running coordinator); stop it, then run this again\n`);
    expect(fs.existsSync(file)).toBe(false);
    const stopped = new Promise((resolve) => holder!.once('exit', resolve));
    holder.kill('SIGTERM');
    await stopped;
    holder = undefined;
  }, 60_000);

  it('never restores over an existing database', async () => {
    const file = path.join(work, 'again.backup');
    expect((await command(backup, ['--out', file], { DATA_DIR: source })).code).toBe(0);
    const refused = await command(restore, ['--in', file], { DATA_DIR: source });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`coordinator-node restore: ${embeddedDatabaseDir(source)} already holds a database; move it away or set DATA_DIR to a new folder, then restore again\n`);
    // An embedded backup is not restored into a server.
    const mismatch = await command(restore, ['--in', file], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/^coordinator-node restore: .* is an embedded-database backup: unset DATABASE_URL/);
  }, 60_000);

  it('says there is nothing to back up when DATA_DIR holds no database', async () => {
    const empty = await command(backup, ['--out', path.join(work, 'nothing.backup')], { DATA_DIR: path.join(work, 'no-such-folder') });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^coordinator-node backup: there is no embedded database at .*no-such-folder\/pglite to back up \(check DATA_DIR\)\n$/);
  });

  it.each([
    ['no flag', 'backup', [], /^coordinator-node backup: --out FILE is required \(see --help\)\n$/],
    ['a flag without its value', 'backup', ['--out'], /^coordinator-node backup: Option '--out <value>' argument missing \(see --help\)\n$/],
    ['an unknown flag', 'backup', ['--out', 'x', '--fast'], /^coordinator-node backup: Unknown option '--fast'.* \(see --help\)\n$/],
    ['a stray argument', 'restore', ['--in', 'x', 'y'], /^coordinator-node restore: unexpected argument "y"; usage: restore --in FILE\n$/],
    ['a file that is not there', 'restore', ['--in', '/nonexistent/backup'], /^coordinator-node restore: \/nonexistent\/backup is not a file\n$/],
    ['a file that is not a backup', 'restore', ['--in', 'package.json'], /^coordinator-node restore: .*package.json is not a coordinator backup/],
    ['an existing --out file', 'backup', ['--out', 'package.json'], /^coordinator-node backup: .*package.json already exists; a backup never replaces another/],
    ['an --out folder that does not exist', 'backup', ['--out', '/nonexistent/x.backup'], /^coordinator-node backup: the folder of \/nonexistent\/x.backup does not exist\n$/],
  ])('answers %s with one line on stderr and exit 2', async (_case, name, args, message) => {
    const result = await command(name === 'backup' ? backup : restore, args as string[], { DATA_DIR: path.join(work, 'unused') });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message as RegExp);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('answers a bad setting with one line naming the variable, exit 2', async () => {
    const result = await command(backup, ['--out', path.join(work, 'x.backup')], { DATABASE_URL: 'mysql://x@h/db' });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'coordinator-node backup: DATABASE_URL: must use postgres: or postgresql:, got mysql:\n' });
  });

  it('prints its usage on --help', async () => {
    const help = await command(restore, ['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: coordinator-node restore --in FILE/);
  });
});

/** Why the server part cannot run here, or null when it can. */
function serverSkipReason(): string | null {
  if (!process.env.TEST_DATABASE_URL) return 'TEST_DATABASE_URL is unset';
  for (const tool of ['pg_dump', 'pg_restore']) if (spawnSync(tool, ['--version']).status !== 0) return `${tool} is not on PATH`;
  return null;
}

const skipReason = serverSkipReason();
if (skipReason) process.stderr.write(`test/ops/backup-restore.spec.ts: backup and restore of a PostgreSQL server SKIPPED: ${skipReason}\n`);
const onServer = skipReason ? describe.skip : describe;

onServer('npm run backup / restore: a PostgreSQL server [postgres]', () => {
  // describe.skip still runs this body to collect the tests: nothing here may need the server's URL.
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://skipped.invalid/';
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-pg-backup-'));
  const freshName = `cn_restore_${randomBytes(4).toString('hex')}`;
  const freshUrl = Object.assign(new URL(adminUrl), { pathname: `/${freshName}` }).toString();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let before: Record<string, string[]>;

  async function admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  }

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    await seedCompetition(db.dataSource);
    before = await tableContents(db.dataSource);
    expectPipelineRows(before);
    await admin(`CREATE DATABASE ${freshName}`);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await admin(`DROP DATABASE IF EXISTS ${freshName} WITH (FORCE)`);
    fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('backs up with pg_dump and restores into a fresh database, with every prediction, score and leaderboard', async () => {
    const file = path.join(work, 'server.backup');
    const saved = await command(backup, ['--out', file], { DATABASE_URL: db.url });
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP');

    const restored = await command(restore, ['--in', file], { DATABASE_URL: freshUrl });
    expect(restored.stderr).toBe('');
    expect(restored).toMatchObject({ code: 0, stdout: `restored ${file} into the PostgreSQL database 127.0.0.1:5432/${freshName}\n` });

    const fresh = new DataSource({ type: 'postgres', url: freshUrl });
    await fresh.initialize();
    try {
      const after = await tableContents(fresh);
      expectPipelineRows(after);
      expect(after).toEqual(before);
    } finally {
      await fresh.destroy();
    }
  }, 120_000);

  it('never restores into a database that holds tables', async () => {
    const file = path.join(work, 'again.backup');
    expect((await command(backup, ['--out', file], { DATABASE_URL: db.url })).code).toBe(0);
    const refused = await command(restore, ['--in', file], { DATABASE_URL: db.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^coordinator-node restore: 127\.0\.0\.1:5432\/cn_test_\w+ already holds \d+ table\(s\); restore into an empty database/);
    // A server backup is not unpacked as an embedded database.
    const mismatch = await command(restore, ['--in', file], { DATA_DIR: path.join(work, 'embedded') });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/is a PostgreSQL server backup \(pg_dump\): set DATABASE_URL/);
  }, 60_000);

  it('says so in one line when pg_dump is not on PATH', async () => {
    const file = path.join(work, 'no-tool.backup');
    const result = await command(backup, ['--out', file], { DATABASE_URL: db.url, PATH: '/nonexistent' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^coordinator-node backup: pg_dump is not on PATH: install the PostgreSQL client tools .* to back up or restore 127\.0\.0\.1:5432\/cn_test_\w+\n$/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
