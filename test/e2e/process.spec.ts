import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp, freePort, startApp, waitFor200 } from '../support/app-process';

interface ModelHealth {
  model_id: string;
  counts: { SUCCESS: number };
}

async function modelHealth(base: string): Promise<ModelHealth[]> {
  const res = await fetch(`${base}/reports/models/health`);
  return res.ok ? ((await res.json()) as ModelHealth[]) : [];
}

async function totalSuccesses(base: string): Promise<number> {
  return (await modelHealth(base)).reduce((sum, m) => sum + m.counts.SUCCESS, 0);
}

/** Waits until `models` models each have a SUCCESS prediction; returns the total. */
async function waitForSuccesses(base: string, models: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await modelHealth(base);
    if (health.filter((m) => m.counts.SUCCESS > 0).length >= models) return totalSuccesses(base);
    if (Date.now() > deadline) throw new Error(`no SUCCESS predictions from ${models} models in time: ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface SeedLeaderboardEntry {
  rank: number;
  model_id: string;
  created_at: string;
  score_anchor: number | null;
}

async function waitForLeaderboard(base: string, entries: number, timeoutMs: number): Promise<SeedLeaderboardEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${base}/reports/leaderboard`);
    const body = res.ok ? ((await res.json()) as SeedLeaderboardEntry[]) : [];
    if (body.length >= entries) return body;
    if (Date.now() > deadline) throw new Error(`no leaderboard of ${entries} models in time: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Issue 2's "done when": the built app starts offline, answers, stops on SIGTERM, keeps its data. */
describe('the coordinator process on embedded defaults', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-e2e-'));

  beforeAll(() => buildApp(), 180_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('answers /healthz and /docs within 60 s, has the example models predicting within a minute, stops within 10 s of SIGTERM, and finds its data after a restart', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = startApp({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, port);
    let successesBeforeStop = 0;
    try {
      const started = Date.now();
      await waitFor200(`${base}/healthz`, 60_000, first);
      await waitFor200(`${base}/docs`, 5_000, first);
      const health = await (await fetch(`${base}/healthz`)).json();
      expect(health).toMatchObject({ checks: { database: { status: 'up', mode: 'embedded' } } });
      const openapi = await (await fetch(`${base}/docs-json`)).json();
      expect(openapi.paths).toHaveProperty(['/healthz']);
      expect(openapi.paths).toHaveProperty(['/reports/leaderboard']);

      // Every example model (two JS, one Python) stores SUCCESS predictions within a minute.
      successesBeforeStop = await waitForSuccesses(base, 3, 60_000 - (Date.now() - started));

      // The demo's horizons are minutes long: the leaderboard ranks all three within 5 minutes.
      const leaderboard = await waitForLeaderboard(base, 3, 300_000 - (Date.now() - started));
      expect(leaderboard.map((e) => e.rank)).toEqual([1, 2, 3]);
      for (const entry of leaderboard) expect(entry.created_at).toMatch(/Z$/);
    } finally {
      const stopped = await first.stop();
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(10_000);
    }

    const second = startApp({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, port);
    try {
      await waitFor200(`${base}/healthz`, 60_000, second);
      // The predictions stored before the stop are read back from the embedded database.
      expect(await totalSuccesses(base)).toBeGreaterThanOrEqual(successesBeforeStop);
    } finally {
      await second.stop();
    }
  }, 480_000);

  it('refuses to start on an invalid variable, with one line naming it', async () => {
    const port = await freePort();
    const app = startApp({ DATA_DIR: dataDir, PORT: 'eighty' }, port);
    const { code } = await new Promise<{ code: number | null }>((resolve) => app.child.once('exit', (c) => resolve({ code: c })));
    expect(code).toBe(1);
    expect(app.output().trim()).toBe('configuration error (environment): PORT: must be an integer, got "eighty"');
  }, 30_000);
});
