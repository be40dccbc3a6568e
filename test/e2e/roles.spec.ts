import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppProcess, buildApp, freePort, startApp, waitFor200 } from '../support/app-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

interface SeedLeaderboardEntry {
  rank: number;
  model_id: string;
  created_at: string;
}

async function leaderboardOf(base: string): Promise<{ status: number; entries: SeedLeaderboardEntry[] }> {
  const res = await fetch(`${base}/reports/leaderboard`);
  return { status: res.status, entries: res.ok ? ((await res.json()) as SeedLeaderboardEntry[]) : [] };
}

async function waitForLeaderboard(base: string, entries: number, timeoutMs: number, apps: AppProcess[]): Promise<SeedLeaderboardEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const app of apps) {
      if (app.child.exitCode !== null) throw new Error(`an instance exited (${app.child.exitCode}):\n${app.output().slice(-3000)}`);
    }
    const { entries: body } = await leaderboardOf(base);
    if (body.length >= entries) return body;
    if (Date.now() > deadline) throw new Error(`no leaderboard of ${entries} models in time: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Until two report replicas answer the same leaderboard (a new one may be stored between two reads). */
async function sameLeaderboard(a: string, b: string, timeoutMs: number): Promise<[SeedLeaderboardEntry[], SeedLeaderboardEntry[]]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [first, second] = await Promise.all([leaderboardOf(a), leaderboardOf(b)]);
    if (JSON.stringify(first.entries) === JSON.stringify(second.entries) || Date.now() > deadline) return [first.entries, second.entries];
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** "Armed N job(s): a, b" as logged by ScheduledJobs at start. */
function armedJobs(app: AppProcess): string[] {
  const match = /armed \d+ job\(s\): ([^"]*)"/.exec(app.output());
  if (!match) throw new Error(`no "armed" line in the output:\n${app.output().slice(-2000)}`);
  return match[1].split(', ').filter(Boolean);
}

beforeAll(() => buildApp(), 180_000);

/** Issue 18 point 1: the roles the README documents start through main.ts, as separate processes. */
describe('separate role instances', () => {
  it.each([[','], [''], ['predict,,score'], ['cook']])('refuse ROLES=%j with one line naming ROLES', async (roles) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-roles-'));
    try {
      const app = startApp({ DATA_DIR: dataDir, ROLES: roles }, await freePort());
      const code = await new Promise<number | null>((resolve) => app.child.once('exit', resolve));
      expect(code).toBe(1);
      expect(app.output().trim()).toMatch(/^configuration error \(environment\): ROLES: /);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;
if (!process.env.TEST_DATABASE_URL) {
  process.stderr.write('test/e2e/roles.spec.ts: predict + score + report processes on PostgreSQL SKIPPED (TEST_DATABASE_URL is unset)\n');
}

onPostgres('predict, score and two report instances on one PostgreSQL database', () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgres'); // fresh and migrated, so the instances do not race to migrate it
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await db?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  async function start(roles: string): Promise<{ app: AppProcess; base: string }> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cn-${roles}-`));
    dirs.push(dataDir);
    const port = await freePort();
    const app = startApp({ DATA_DIR: dataDir, DATABASE_URL: db.url, ROLES: roles, LOG_LEVEL: 'info' }, port);
    apps.push(app);
    const base = `http://127.0.0.1:${port}`;
    await waitFor200(`${base}/healthz`, 90_000, app);
    return { app, base };
  }

  it('each instance arms only its own jobs; a leaderboard appears and both report replicas serve it', async () => {
    const predict = await start('predict');
    const score = await start('score');
    const report = await start('report');
    const replica = await start('report');

    expect(armedJobs(predict.app)).toEqual(expect.arrayContaining(['predict:tick', 'predict:round:BTC-120-30', 'feed-poll:synthetic']));
    expect(armedJobs(predict.app)).not.toContain('score-cycle');
    expect(armedJobs(score.app)).toEqual(expect.arrayContaining(['score-cycle', 'score-retention', 'feed-poll:synthetic']));
    expect(armedJobs(score.app).filter((name) => name.startsWith('predict:'))).toEqual([]);
    expect(armedJobs(report.app)).toEqual([]);

    // The report API is served by the report instances only.
    expect((await leaderboardOf(predict.base)).status).toBe(404);
    expect((await leaderboardOf(score.base)).status).toBe(404);

    // The demo's three example models are ranked within minutes.
    const board = await waitForLeaderboard(report.base, 3, 300_000, apps);
    expect(board.map((e) => e.rank)).toEqual([1, 2, 3]);
    const [first, second] = await sameLeaderboard(report.base, replica.base, 15_000);
    expect(second).toEqual(first);
    expect(second.length).toBe(3);

    for (const app of apps.splice(0)) {
      const stopped = await app.stop();
      expect(stopped.code).toBe(0);
    }
  }, 480_000);
});
