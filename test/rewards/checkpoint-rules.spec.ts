import type { LeaderboardEntry } from '../../src/leaderboard/leaderboard-entry';
import { canMove, CHECKPOINT_STATUSES, CheckpointStatus } from '../../src/rewards/checkpoints/checkpoint';
import { checkpointPayouts, freezeEntries, payoutCommitment, payoutLeaves, rewardStandings } from '../../src/rewards/checkpoints/checkpoint-payouts';
import { commitCycle, cycleLeaves } from '../../src/commitments/cycle-commitment';
import { chainRoot } from '../../src/commitments/merkle-tree';
import type { ParamStanding } from '../../src/score/model-standing';

function boardEntry(modelId: string, rank: number | null, cruncherId = `c-${modelId}`): LeaderboardEntry {
  return {
    rank, model_id: modelId, model_name: `name ${modelId}`, cruncher_name: '', cruncher_id: cruncherId, score_recent: null, score_steady: null, score_anchor: 0.5,
    windows: {}, complete: {}, scored_count: 1, previous_rank: null, left: rank === null, last_status: null,
  };
}

function param(asset: string, horizon: number, anchor: number | null): ParamStanding {
  return { param: `${asset}-${horizon}-60`, asset, horizon, step: 60, windows: { anchor: { value: anchor, count: 1, failed: 0, complete: true } } };
}

describe('the checkpoint status flow', () => {
  const allowed: Array<[CheckpointStatus, CheckpointStatus]> = [
    ['PENDING', 'SUBMITTED'], ['SUBMITTED', 'CLAIMABLE'], ['CLAIMABLE', 'PAID'],
    ['PENDING', 'FAILED'], ['SUBMITTED', 'FAILED'], ['CLAIMABLE', 'FAILED'],
  ];

  it('allows exactly PENDING -> SUBMITTED -> CLAIMABLE -> PAID and FAILED before PAID', () => {
    for (const from of CHECKPOINT_STATUSES) {
      for (const to of CHECKPOINT_STATUSES) {
        expect([from, to, canMove(from, to)]).toEqual([from, to, allowed.some(([f, t]) => f === from && t === to)]);
      }
    }
  });
});

describe('freezing a leaderboard for a checkpoint', () => {
  it('keeps ranked entries in rank order, with per-horizon scores weighted by asset as the overall score', () => {
    const params = new Map([
      ['a', [param('BTC', 3600, 1), param('ETH', 3600, 3), param('BTC', 86400, 5)]],
      ['b', [param('BTC', 3600, null)]],
    ]);
    const frozen = freezeEntries([boardEntry('a', 1), boardEntry('b', 2), boardEntry('gone', null)], params, ['anchor'], { BTC: 1, ETH: 0.5 });
    expect(frozen.map((e) => e.model_id)).toEqual(['a', 'b']);
    expect(frozen[0].horizons).toEqual([
      { horizon: 3600, scores: { anchor: (1 + 0.5 * 3) / 1.5 } },
      { horizon: 86400, scores: { anchor: 5 } },
    ]);
    expect(frozen[1].horizons).toEqual([{ horizon: 3600, scores: { anchor: null } }]);
  });

  it('treats the cruncher as the player (a model without one is its own player)', () => {
    const [withCruncher, alone] = rewardStandings(freezeEntries([boardEntry('a', 1, 'c-1'), boardEntry('b', 2, '')], new Map(), ['anchor']));
    expect(withCruncher).toMatchObject({ modelId: 'a', modelName: 'name a', playerId: 'c-1', playerName: 'c-1' });
    expect(alone).toMatchObject({ modelId: 'b', playerId: 'b', playerName: 'b' });
  });
});

describe('commitments of cycles and checkpoints', () => {
  it('orders score leaves by model id bytes, whatever the standings order, and chains the root', () => {
    const standings = [{ modelId: 'b', windows: { anchor: { value: 1 } } }, { modelId: 'a', windows: { anchor: { value: 2 } } }];
    expect(cycleLeaves('c', 5, standings).map((l) => l.modelId)).toEqual(['a', 'b']);
    const first = commitCycle('c', new Date(5), standings, null);
    const reversed = commitCycle('c', new Date(5), [...standings].reverse(), null);
    expect(reversed.root).toBe(first.root);
    const second = commitCycle('c', new Date(6), standings, first.chainedRoot);
    expect(second.chainedRoot).toBe(chainRoot(Buffer.from(first.chainedRoot, 'hex'), Buffer.from(second.root, 'hex')).toString('hex'));
  });

  it('commits a non-finite window value as null, as the snapshot stores it, instead of failing the cycle', () => {
    const [leaf] = cycleLeaves('c', 5, [{ modelId: 'a', windows: { anchor: { value: Infinity }, recent: { value: NaN }, steady: { value: 0.5 } } }]);
    expect(leaf.windows).toEqual({ anchor: null, recent: null, steady: 0.5 });
  });

  it("chains a checkpoint's payout root after the last cycle root of its period", () => {
    const { payouts } = checkpointPayouts({ payouts: [{ modelId: 'a', modelName: 'a', playerId: 'p', playerName: 'p', horizon: 3600, rank: 1, score: 0.9, amount: 1 / 3 }], horizons: [], warnings: [] }, 2);
    expect(payouts[0].units).toBe(33n);
    const leaves = payoutLeaves('c', 'ckp', 2, payouts);
    const lastCycle = 'ab'.repeat(32);
    const commitment = payoutCommitment(leaves, lastCycle);
    expect(commitment.previousRoot).toBe(lastCycle);
    expect(commitment.chainedRoot).toBe(chainRoot(Buffer.from(lastCycle, 'hex'), Buffer.from(commitment.payoutsRoot, 'hex')).toString('hex'));
    expect(payoutCommitment(leaves, null).chainedRoot).not.toBe(commitment.chainedRoot);
  });
});
