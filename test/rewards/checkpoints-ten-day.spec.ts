import { VirtualClock } from '../../src/clock/clock';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { readLeaderboardEntries } from '../../src/leaderboard/leaderboard-entry';
import { Checkpoint, IllegalCheckpointMoveError } from '../../src/rewards/checkpoints/checkpoint';
import { CheckpointRepository } from '../../src/rewards/checkpoints/checkpoint.repository';
import { CheckpointService } from '../../src/rewards/checkpoints/checkpoint.service';
import { RewardFunctionRegistry } from '../../src/rewards/reward-function.registry';
import { ScoreSnapshotRepository } from '../../src/score/score-snapshot.repository';
import { ProofUnavailableError } from '../../src/rewards/commitments/merkle-proof.service';
import { verifyProofDocument } from '../../src/rewards/commitments/proof-document';
import type { ProofDocument } from '../../src/rewards/commitments/proof-document';
import { describeEachEngine } from '../support/test-database';
import { competitionFixture } from '../score/support/competition-fixture';
import { normalSpecs, PredictionLedger, PredictionRowInput, RoundInput } from '../score/support/prediction-ledger';
import { PriceTable } from '../score/support/price-table';
import { CheckpointApp, hasPython, startCheckpoints, verifyWithPython } from './checkpoint-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);
const STEPS = 12;
const MODELS = ['sharp', 'fair', 'loose', 'twin'];

function answer(modelId: string): PredictionRowInput {
  const scale = { sharp: 0.002, fair: 0.003, loose: 0.006, twin: 0.0035 }[modelId]!;
  return { modelId, status: 'SUCCESS', payload: normalSpecs(STEPS, 0, scale) };
}

/** Daily checkpoints (weekly would not fit ten days), taken 30 minutes after each day closes. */
function competition(): CompetitionDefinition {
  return {
    ...competitionFixture({
      params: [
        { asset: 'BTC', horizon: 3600, step: 300 },
        { asset: 'ETH', horizon: 7200, step: 600 },
      ],
      penalty: { policy: 'batch-min', cap: null },
      retention: { snapshotsDays: 3 }, // the hourly retention job prunes snapshots during the run
    }),
    rewards: { every: 86400, delay: 1800, pool: 100, function: 'exponential-top-k', options: { topK: 2 }, decimals: 6 },
  };
}

describeEachEngine('reward checkpoints over a ten-day virtual-clock competition', (db) => {
  let app: CheckpointApp;
  let clock: VirtualClock;
  /** The checkpoints of days 1..10 (the first run, at T0 + 30 min, took the empty day before T0). */
  let checkpoints: Checkpoint[];
  let beforeStart: Checkpoint;
  const def = competition();

  beforeAll(async () => {
    const ds = db().dataSource;
    clock = new VirtualClock(T0);
    const prices = new PriceTable(() => clock.nowMs());
    const ledger = new PredictionLedger(ds, def);
    await ledger.setup();
    for (const id of MODELS) await ledger.addModel(id, { cruncherId: id === 'twin' ? 'cruncher-sharp' : `cruncher-${id}` });
    const rounds: RoundInput[] = [];
    for (let h = 0; h < 240; h++) {
      rounds.push({ param: 'BTC-3600-300', performedAtMs: T0 + h * HOUR, predictions: MODELS.map(answer) });
      if (h % 2 === 0) rounds.push({ param: 'ETH-7200-600', performedAtMs: T0 + h * HOUR + HOUR / 2, predictions: MODELS.map(answer) });
    }
    await ledger.addRounds(rounds);
    app = await startCheckpoints(ds, def, clock, prices);
    await clock.advanceTo(T0 + 10 * DAY + HOUR);
    [beforeStart, ...checkpoints] = (await app.repository.list(def.id, 100, 0)).reverse();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
  });

  it('takes one checkpoint per day, each PENDING with one move by the scheduler', async () => {
    // The period that closed just before the competition started: taken, with nothing to pay.
    expect(beforeStart).toMatchObject({ periodEnd: new Date(T0), leaderboardId: null, entries: [], distributedUnits: 0n });
    expect(checkpoints.map((c) => c.periodEnd.getTime())).toEqual(Array.from({ length: 10 }, (_, d) => T0 + (d + 1) * DAY));
    for (const c of checkpoints) {
      expect(c.periodStart.getTime()).toBe(c.periodEnd.getTime() - DAY);
      expect(c.createdAt.getTime()).toBe(c.periodEnd.getTime() + 30 * 60_000);
      expect(c.status).toBe('PENDING');
      expect(await app.repository.moves(c.id)).toEqual([{ from: null, to: 'PENDING', actor: 'scheduler', at: c.createdAt, note: null }]);
    }
  });

  it('freezes the leaderboard of that instant, its windows and the settings it used', async () => {
    for (const c of checkpoints) {
      const rows: Array<{ created_at: Date; entries: unknown }> = await db().dataSource.query(`SELECT created_at, entries FROM leaderboards WHERE id = $1`, [c.leaderboardId]);
      expect(rows[0].created_at.getTime()).toBe(c.leaderboardAt!.getTime());
      expect(c.leaderboardAt!.getTime()).toBe(c.periodEnd.getTime()); // the newest cycle before the checkpoint ran
      const ranked = readLeaderboardEntries(rows[0].entries).filter((e) => e.rank !== null);
      expect(c.entries.map((e) => [e.model_id, e.rank])).toEqual(ranked.map((e) => [e.model_id, e.rank]));
      for (const e of c.entries) expect(e.horizons.map((h) => h.horizon)).toEqual([3600, 7200]);
    }
    expect(checkpoints[0].windows).toEqual(def.scoring.windows);
    expect(checkpoints[0].settings).toMatchObject({ function: 'exponential-top-k', options: { topK: 2 }, filePool: 100, decimals: 6, direction: 'higher', every: 86400, delay: 1800, scorer: 'density-pdf' });
  });

  it('pays the best model per player of each horizon, with integer units summing to the distributed total', async () => {
    for (const c of checkpoints) {
      const payouts = await app.repository.payouts(c.id);
      expect(payouts.length).toBe(4); // two horizons x top 2; 'twin' shares a player with 'sharp'
      expect(payouts.some((p) => p.modelId === 'twin')).toBe(false);
      const units = payouts.reduce((a, p) => a + p.units, 0n);
      expect(units).toBe(c.distributedUnits);
      const amounts = payouts.reduce((a, p) => a + p.amount, 0);
      expect(Number(c.distributedUnits) / 1e6).toBeCloseTo(amounts, 6);
      expect(amounts).toBeLessThanOrEqual(100 + 1e-9);
      for (const p of payouts) expect(Math.abs(Number(p.units) - p.amount * 1e6)).toBeLessThanOrEqual(1);
    }
  });

  it('commits each checkpoint to its payouts and chains it after the last cycle root of its period', async () => {
    for (const c of checkpoints) {
      const last = await app.commitments.at(def.id, new Date(c.cycles.last_cycle_at!));
      expect(last!.chainedRoot).toBe(c.previousRoot);
      expect(c.cycles.count).toBe(24);
      const paid = [...new Set((await app.repository.payouts(c.id)).map((p) => p.modelId))];
      const proofs = (await Promise.all(paid.map((m) => app.proofs.payoutProofs(c, m)))).flat();
      expect(proofs.length).toBe(4);
      for (const proof of proofs) {
        expect(proof.root).toBe(c.payoutsRoot);
        expect(proof.chained_root).toBe(c.chainedRoot);
        expect(verifyProofDocument(proof)).toEqual({ ok: true });
      }
    }
  });

  (hasPython ? it : it.skip)('produces payout and cycle proofs that docs/verify_proof.py accepts, and a changed leaf, sibling or root it refuses', async () => {
    const proofs: ProofDocument[] = [];
    for (const c of checkpoints) {
      for (const m of new Set((await app.repository.payouts(c.id)).map((p) => p.modelId))) proofs.push(...(await app.proofs.payoutProofs(c, m)));
    }
    await expect(app.proofs.payoutProofs(checkpoints[0], 'twin')).rejects.toThrow(/has no payout/);
    for (const m of MODELS) proofs.push(await app.proofs.cycleProof(new Date(T0 + 9 * DAY), m));
    expect(verifyWithPython(proofs).status).toBe(0);
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    const p = proofs[0];
    const leaf = p.leaf.kind === 'payout' ? { ...p.leaf, units: (BigInt(p.leaf.units) + 1n).toString() } : p.leaf;
    const broken: ProofDocument[] = [
      { ...p, leaf },
      { ...p, siblings: p.siblings.map((s, i) => (i === 0 ? { ...s, hash: flip(s.hash) } : s)) },
      { ...p, root: flip(p.root) },
    ];
    for (const b of broken) expect(verifyWithPython([b]).status).toBe(1);
  });

  it('chains every cycle root to the previous one, and keeps every root when retention prunes the snapshots', async () => {
    const commitments = await app.commitments.list(def.id, {}, 1000, 0);
    expect(commitments.length).toBe(241); // hourly cycles from T0 + 1 h to T0 + 10 d + 1 h
    const oldestFirst = [...commitments].reverse();
    oldestFirst.forEach((c, i) => expect(c.previousRoot).toBe(i === 0 ? null : oldestFirst[i - 1].chainedRoot));
    const snapshotCycles: Array<{ n: number; oldest: Date }> = await db().dataSource.query(`SELECT count(DISTINCT performed_at)::int AS n, min(performed_at) AS oldest FROM score_snapshots`);
    // 3-day snapshot retention, pruned a whole day's partition at a time: kept from the start of
    // the cutoff's day, so up to a day longer.
    const cutoff = clock.nowMs() - 3 * DAY;
    expect(snapshotCycles[0].n).toBeLessThan(4 * 24 + 2);
    expect(snapshotCycles[0].oldest.getTime()).toBeGreaterThanOrEqual(Math.floor(cutoff / DAY) * DAY);
    expect(snapshotCycles[0].oldest.getTime()).toBeLessThan(cutoff);
    expect(oldestFirst[0].cycleAt.getTime()).toBe(T0 + HOUR);
  });

  it('moves a checkpoint PENDING -> SUBMITTED -> CLAIMABLE -> PAID, recording who and when, and refuses an illegal move naming the status', async () => {
    const c = checkpoints[0];
    await expect(app.status.move(c.id, 'CLAIMABLE', 'ops')).rejects.toThrow(new IllegalCheckpointMoveError(c.id, 'PENDING', 'CLAIMABLE'));
    await app.status.move(c.id, 'SUBMITTED', 'ops', 'sent to the payer');
    await expect(app.status.setPool(c.id, 50, 'ops')).rejects.toThrow(/is SUBMITTED: cannot move to PENDING/);
    await app.status.move(c.id, 'CLAIMABLE', 'payer');
    const paid = await app.status.move(c.id, 'PAID', 'payer');
    expect(paid.status).toBe('PAID');
    await expect(app.status.move(c.id, 'FAILED', 'ops')).rejects.toThrow(/is PAID: cannot move to FAILED/);
    const moves = await app.repository.moves(c.id);
    expect(moves.map((m) => [m.from, m.to, m.actor])).toEqual([
      [null, 'PENDING', 'scheduler'],
      ['PENDING', 'SUBMITTED', 'ops'],
      ['SUBMITTED', 'CLAIMABLE', 'payer'],
      ['CLAIMABLE', 'PAID', 'payer'],
    ]);
    expect(moves[1].note).toBe('sent to the payer');
    for (const m of moves) expect(m.at.getTime()).toBe(clock.nowMs() > c.createdAt.getTime() && m.from !== null ? clock.nowMs() : c.createdAt.getTime());
  });

  it('sets the pool of a PENDING checkpoint and recomputes its payouts and commitment', async () => {
    const c = checkpoints[1];
    const updated = await app.status.setPool(c.id, 250, 'ops');
    expect(updated.pool).toBe(250);
    const payouts = await app.repository.payouts(c.id);
    expect(payouts.reduce((a, p) => a + p.units, 0n)).toBe(updated.distributedUnits);
    expect(Number(updated.distributedUnits)).toBeCloseTo(Number(c.distributedUnits) * 2.5, -1);
    expect(updated.payoutsRoot).not.toBe(c.payoutsRoot);
    for (const proof of await app.proofs.payoutProofs(updated, payouts[0].modelId)) expect(verifyProofDocument(proof)).toEqual({ ok: true });
    expect((await app.repository.moves(c.id)).at(-1)).toMatchObject({ from: 'PENDING', to: 'PENDING', actor: 'ops', note: 'pool set to 250' });
  });

  it('takes a period once: a second take (another instance) returns the stored checkpoint', async () => {
    const again = await app.checkpoints.takeCheckpoint(checkpoints[5].periodEnd.getTime(), 'other-instance');
    expect(again.created).toBe(false);
    expect(again.checkpoint.id).toBe(checkpoints[5].id);
    await expect(app.checkpoints.takeCheckpoint(T0 + 3 * DAY + 1)).rejects.toThrow(/is not a period end/);
  });

  it('leaves no checkpoint when its transaction fails mid-way, and a whole one when retried', async () => {
    const periodEnd = T0 + 11 * DAY; // a period not taken yet
    const ds = db().dataSource;
    class FailingRepository extends CheckpointRepository {
      override async writePayouts(): Promise<void> {
        throw new Error('crash after the checkpoint row was inserted');
      }
    }
    const crashing = new CheckpointService(
      def,
      clock,
      ds,
      app.leaderboard,
      app.cycles,
      app.module.get(ScoreSnapshotRepository),
      app.commitments,
      app.module.get(RewardFunctionRegistry),
      new FailingRepository(ds),
    );
    await expect(crashing.takeCheckpoint(periodEnd)).rejects.toThrow(/crash after/);
    const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM reward_checkpoints WHERE period_end = $1`, [new Date(periodEnd)]);
    expect(rows[0].n).toBe(0);
    const moves: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM reward_checkpoint_moves m LEFT JOIN reward_checkpoints c ON c.id = m.checkpoint_id WHERE c.id IS NULL`);
    expect(moves[0].n).toBe(0);
    const { checkpoint, created } = await app.checkpoints.takeCheckpoint(periodEnd);
    expect(created).toBe(true);
    const payouts = await app.repository.payouts(checkpoint.id);
    expect(payouts.length).toBe(4);
    expect(payouts.reduce((a, p) => a + p.units, 0n)).toBe(checkpoint.distributedUnits);
  });

  it('keeps the roots when retention prunes the snapshots, and says why a proof is no longer given', async () => {
    const cycleAt = new Date(T0 + 2 * HOUR); // its snapshots are past the 3-day retention
    expect(await app.commitments.at(def.id, cycleAt)).not.toBeNull();
    await expect(app.proofs.cycleProof(cycleAt, 'sharp')).rejects.toThrow(ProofUnavailableError);
    await expect(app.proofs.cycleProof(cycleAt, 'sharp')).rejects.toThrow(/pruned; its root stays published/);
  });
});
