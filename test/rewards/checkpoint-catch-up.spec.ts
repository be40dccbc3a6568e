import { VirtualClock } from '../../src/clock/clock';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { Checkpoint } from '../../src/rewards/checkpoints/checkpoint';
import { describeEachEngine } from '../support/test-database';
import { competitionFixture } from '../score/support/competition-fixture';
import { normalSpecs, PredictionLedger, PredictionRowInput, RoundInput } from '../score/support/prediction-ledger';
import { PriceTable } from '../score/support/price-table';
import { startCheckpoints } from './checkpoint-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 1);
const MODELS = ['sharp', 'fair', 'loose'];

function answer(modelId: string): PredictionRowInput {
  const scale = { sharp: 0.002, fair: 0.003, loose: 0.006 }[modelId]!;
  return { modelId, status: 'SUCCESS', payload: normalSpecs(12, 0, scale) };
}

function competition(): CompetitionDefinition {
  return {
    ...competitionFixture({ params: [{ asset: 'BTC', horizon: 3600, step: 300 }], penalty: { policy: 'batch-min', cap: null } }),
    rewards: { every: 86400, delay: 1800, pool: 100, function: 'exponential-top-k', options: { topK: 2 }, decimals: 6 },
  };
}

describeEachEngine('reward checkpoints missed while the node was down', (db) => {
  const def = competition();
  let checkpoints: Checkpoint[];
  let firstBoardAfterRestart: { id: string; created_at: Date };
  const restartAt = T0 + 4 * DAY + 2 * HOUR;

  beforeAll(async () => {
    const ds = db().dataSource;
    const ledger = new PredictionLedger(ds, def);
    await ledger.setup();
    for (const id of MODELS) await ledger.addModel(id, { cruncherId: `cruncher-${id}` });
    const rounds: RoundInput[] = [];
    for (let h = 0; h < 5 * 24; h++) rounds.push({ param: 'BTC-3600-300', performedAtMs: T0 + h * HOUR, predictions: MODELS.map(answer) });
    await ledger.addRounds(rounds);

    // Up for two days and an hour (the checkpoints of days 1 and 2 are taken on time), then down.
    const before = new VirtualClock(T0);
    const first = await startCheckpoints(ds, def, before, new PriceTable(() => before.nowMs()));
    await before.advanceTo(T0 + 2 * DAY + HOUR);
    await first.close();

    // Back two days later: the instants of days 3 and 4 passed with nobody running.
    const after = new VirtualClock(restartAt);
    const second = await startCheckpoints(ds, def, after, new PriceTable(() => after.nowMs()));
    await after.advanceTo(restartAt + 2 * HOUR);
    checkpoints = (await second.repository.list(def.id, 100, 0)).reverse();
    [firstBoardAfterRestart] = await ds.query(`SELECT id, created_at FROM leaderboards WHERE created_at >= $1 ORDER BY created_at LIMIT 1`, [new Date(restartAt)]);
    await second.close();
  }, 300_000);

  it('takes each missed period once, after the node has ranked again, in period order', () => {
    expect(checkpoints.map((c) => (c.periodEnd.getTime() - T0) / DAY)).toEqual([0, 1, 2, 3, 4]);
    const late = checkpoints.slice(3);
    for (const c of late) {
      expect(c.createdAt.getTime()).toBeGreaterThanOrEqual(firstBoardAfterRestart.created_at.getTime());
      expect(c.createdAt.getTime()).toBeLessThan(restartAt + 2 * HOUR);
    }
  });

  it('freezes the late ones from the first leaderboard computed after their instant, and says so in their first move', async () => {
    const ds = db().dataSource;
    for (const c of checkpoints.slice(3)) {
      expect(c.leaderboardId).toBe(firstBoardAfterRestart.id);
      expect(c.entries.length).toBeGreaterThan(0);
      const [move] = await ds.query(`SELECT actor, note FROM reward_checkpoint_moves WHERE checkpoint_id = $1 ORDER BY seq`, [c.id]);
      expect(move.actor).toBe('scheduler');
      expect(move.note).toMatch(new RegExp(`^late: no checkpoint was taken at ${new Date(c.periodEnd.getTime() + 1800_000).toISOString()}`));
    }
    for (const c of checkpoints.slice(1, 3)) {
      expect(c.createdAt.getTime()).toBe(c.periodEnd.getTime() + 1800_000); // on time: untouched by the catch-up
      expect(c.leaderboardAt!.getTime()).toBe(c.periodEnd.getTime());
    }
  });

  it('pays the late periods like any other, and sums every payout into the cumulative reward', async () => {
    const ds = db().dataSource;
    const { CheckpointRepository } = await import('../../src/rewards/checkpoints/checkpoint.repository');
    const repository = new CheckpointRepository(ds);
    const expected = new Map<string, number>();
    for (const c of checkpoints.slice(1)) {
      expect(c.distributedUnits).not.toBeNull();
      for (const p of await repository.payouts(c.id)) expected.set(p.modelId, (expected.get(p.modelId) ?? 0) + p.amount);
    }
    expect(expected.size).toBe(2);
    const totals = await repository.rewardTotals(def.id);
    expect([...totals.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [model, amount] of expected) expect(totals.get(model)).toBeCloseTo(amount, 9);
    // A failed checkpoint pays nobody.
    await ds.query(`UPDATE reward_checkpoints SET status = 'FAILED' WHERE id = $1`, [checkpoints[4].id]);
    const afterFailure = await repository.rewardTotals(def.id);
    const failed = await repository.payouts(checkpoints[4].id);
    for (const p of failed) expect(afterFailure.get(p.modelId)).toBeCloseTo(expected.get(p.modelId)! - p.amount, 9);
  });
});
