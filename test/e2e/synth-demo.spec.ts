import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp, freePort, startApp, waitFor200 } from '../support/app-process';

interface DetailedEntry {
  rank: number;
  model_id: string;
  model_name: string;
  player_id: string;
  ranks_by_horizon: Record<string, { rank: number | null }>;
  ranks_by_param: Record<string, { rank: number | null }>;
}
interface ModelHealth {
  model_id: string;
  counts: { SUCCESS: number; FAILED: number; TIMEOUT: number; ABSENT: number };
}

async function getJson<T>(url: string, fallback: T): Promise<T> {
  const res = await fetch(url).catch(() => null);
  return res?.ok ? ((await res.json()) as T) : fallback;
}

/** Issue 11's "done when": one setting starts the Synth game offline and ranks per horizon within 5 minutes. */
describe('COMPETITION_FILE=competitions/synth-demo.yaml npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cn-synth-e2e-'));

  beforeAll(() => buildApp(), 180_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('hosts the two example trackers and the baseline, which succeed every round after their history tick, and fills both leaderboards with per-horizon ranks within 5 minutes', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = startApp({ COMPETITION_FILE: 'competitions/synth-demo.yaml', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, port);
    try {
      const started = Date.now();
      await waitFor200(`${base}/healthz`, 60_000, app);
      const upAfterMs = Date.now() - started;
      let detailed: DetailedEntry[] = [];
      let seed: unknown[] = [];
      for (;;) {
        seed = await getJson<unknown[]>(`${base}/reports/leaderboard`, []);
        detailed = await getJson<DetailedEntry[]>(`${base}/reports/leaderboard/detailed`, []);
        const perHorizon = detailed.filter((e) => e.ranks_by_horizon['120']?.rank && e.ranks_by_horizon['180']?.rank);
        if (seed.length === 3 && perHorizon.length === 3) break;
        if (Date.now() - started > 300_000) throw new Error(`not ranked per horizon within 5 minutes (up after ${upAfterMs} ms): ${JSON.stringify({ seed, detailed }).slice(0, 2000)}\n${app.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 2000));
      }
      expect(detailed.map((e) => e.rank)).toEqual([1, 2, 3]);
      expect(detailed.map((e) => e.model_name).sort()).toEqual(['constant-volatility', 'synth-python-tracker', 'synth-ts-tracker']);
      for (const entry of detailed) {
        expect(entry.player_id).toMatch(/^cruncher-synth-/);
        expect(Object.keys(entry.ranks_by_param).every((key) => /^[A-Z0-9]+:(120|180)$/.test(key))).toBe(true);
      }
      // The history tick comes first: a model is ABSENT ("no history yet") at most until it, and never fails afterwards.
      const health = await getJson<ModelHealth[]>(`${base}/reports/models/health`, []);
      expect(health).toHaveLength(3);
      for (const model of health) {
        expect([model.model_id, model.counts.FAILED, model.counts.TIMEOUT]).toEqual([model.model_id, 0, 0]);
        expect(model.counts.SUCCESS).toBeGreaterThan(0);
      }
      const openapi = await getJson<{ paths: Record<string, unknown> }>(`${base}/docs-json`, { paths: {} });
      expect(openapi.paths).toHaveProperty(['/reports/leaderboard/detailed']);
    } finally {
      await app.stop();
    }
  }, 480_000);
});
