import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { run } from '../../src/rewards/cli/checkpoint.command';
import type { CommandIo } from '../../src/cli/command-io';
import type { FrozenEntry } from '../../src/rewards/checkpoints/checkpoint';
import { computeCheckpointPayouts } from '../../src/rewards/checkpoints/checkpoint-payouts';
import { CheckpointRepository } from '../../src/rewards/checkpoints/checkpoint.repository';
import { RewardFunctionRegistry } from '../../src/rewards/reward-function.registry';
import { createTestDatabase } from '../support/test-database';

const ROOT = path.resolve(__dirname, '../..');
const ID = '0b6f4a52-6f0e-4c4e-9a55-6c1d1f0f2a11';

function entry(modelId: string, rank: number, anchor: number): FrozenEntry {
  return { model_id: modelId, model_name: modelId, cruncher_id: `c-${modelId}`, cruncher_name: `c-${modelId}`, rank, score_recent: anchor, score_steady: anchor, score_anchor: anchor, horizons: [{ horizon: 3600, scores: { anchor } }] };
}

describe('coordinator-node checkpoint (embedded database under DATA_DIR)', () => {
  let dir: string;
  let env: Record<string, string>;
  const invoke = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CommandIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: ROOT, env };
    const code = await run(args, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cn-checkpoint-cli-'));
    const competition = { ...parse(readFileSync(path.join(ROOT, 'competitions/demo.yaml'), 'utf8')), rewards: { every: 86400, options: { topK: 2 } } };
    writeFileSync(path.join(dir, 'competition.yaml'), stringify(competition));
    env = { DATA_DIR: dir, COMPETITION_FILE: path.join(dir, 'competition.yaml') };
    // A PENDING checkpoint without a pool, as the job stores it when the file sets none.
    const db = await createTestDatabase('pglite', { dataDir: path.join(dir, 'pglite') });
    const repository = new CheckpointRepository(db.dataSource);
    await db.dataSource.transaction(async (em) => {
      await repository.insertFrozen(em, {
        id: ID,
        competitionId: competition.id,
        periodStart: new Date('2026-01-01T00:00:00Z'),
        periodEnd: new Date('2026-01-02T00:00:00Z'),
        createdAt: new Date('2026-01-02T00:00:00Z'),
        leaderboardId: null,
        leaderboardAt: null,
        entries: [entry('a', 1, 0.9), entry('b', 2, 0.8), entry('c', 3, 0.7)],
        windows: [],
        settings: { function: 'exponential-top-k', options: { topK: 2 }, filePool: null, decimals: 6, direction: 'higher', every: 86400, delay: 0, scorer: 'crps', rankBy: 'anchor' },
        pool: null,
        decimals: 6,
        cycles: { count: 0, first_cycle_at: null, last_cycle_at: null, last_chained_root: null },
      });
      await repository.recordMove(em, ID, { from: null, to: 'PENDING', actor: 'scheduler', at: new Date('2026-01-02T00:00:00Z'), note: null });
    });
    expect(computeCheckpointPayouts(new RewardFunctionRegistry(), competition.id, (await repository.get(competition.id, ID))!, 10)).toHaveProperty('set');
    await db.close();
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists checkpoints and refuses to submit one whose pool is not set, naming its status', async () => {
    const list = await invoke('list');
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toContain(`${ID}  2026-01-01T00:00:00.000Z .. 2026-01-02T00:00:00.000Z  PENDING`);
    const submit = await invoke('move', ID, 'submitted', '--actor', 'ops');
    expect(submit.code).toBe(1);
    expect(submit.stderr).toContain(`checkpoint ${ID} is PENDING: cannot move to SUBMITTED (its pool is not set, so it has no payouts)`);
  }, 60_000);

  it('sets the pool, moves the checkpoint to SUBMITTED and shows its payouts and moves', async () => {
    expect((await invoke('set-pool', ID, '10', '--actor', 'ops')).code).toBe(0);
    expect((await invoke('move', ID, 'SUBMITTED', '--actor', 'ops', '--note', 'sent')).code).toBe(0);
    const shown = await invoke('show', ID, '--json');
    expect(shown.code).toBe(0);
    const doc = JSON.parse(shown.stdout);
    expect(doc).toMatchObject({ status: 'SUBMITTED', pool: 10 });
    expect(doc.payouts.map((p: { modelId: string }) => p.modelId)).toEqual(['a', 'b']);
    expect(doc.payouts.reduce((a: bigint, p: { units: string }) => a + BigInt(p.units), 0n).toString()).toBe(doc.distributedUnits);
    expect(doc.moves.map((m: { to: string; actor: string }) => `${m.to}:${m.actor}`)).toEqual(['PENDING:scheduler', 'PENDING:ops', 'SUBMITTED:ops']);
    const again = await invoke('set-pool', ID, '20', '--actor', 'ops');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is SUBMITTED: cannot move to PENDING');
  }, 60_000);

  it.each([
    [['move', 'not-a-uuid', 'PAID', '--actor', 'x'], 'checkpoint id must be a UUID'],
    [['move', ID, 'DONE', '--actor', 'x'], 'STATUS must be one of PENDING, SUBMITTED, CLAIMABLE, PAID, FAILED'],
    [['move', ID, 'PAID'], '--actor NAME is required'],
    [['set-pool', ID, '1e3', '--actor', 'x'], 'AMOUNT must be a number >= 0'],
    [['list', '--limit', '0'], '--limit must be an integer in 1..500'],
    [['frobnicate'], 'unknown action "frobnicate"'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const result = await invoke(...(args as string[]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
