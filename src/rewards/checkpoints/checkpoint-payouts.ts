import type { LeaderboardEntry } from '../../leaderboard/leaderboard-entry';
import { overallValue, ParamStanding } from '../../score/model-standing';
import { toBaseUnits } from '../base-units';
import type { PayoutLeaf } from '../../commitments/commitment-leaves';
import { encodePayoutLeaf } from '../../commitments/commitment-leaves';
import { hexOrNull } from '../../commitments/cycle-commitment';
import { chainRoot, MerkleTree } from '../../commitments/merkle-tree';
import type { RewardResult, RewardStanding } from '../reward-function';
import type { RewardFunctionRegistry } from '../reward-function.registry';
import { RewardComputationError } from '../reward.errors';
import type { Checkpoint, CheckpointPayout, FrozenEntry } from './checkpoint';
import type { CheckpointPayoutSet } from './checkpoint.repository';

/**
 * Freezes the ranked entries of a leaderboard, in rank order, with each model's scores per
 * horizon: per window, the mean over the horizon's parameter sets (weighted by asset as the
 * overall score is), from the snapshot of the same cycle. Unranked entries (left, or too few
 * scores) are not rewarded and are left out.
 *
 * @example
 *   freezeEntries(board.entries, new Map([['m1', snapshot.params]]), ['anchor'])
 *   // [{ model_id: 'm1', rank: 1, horizons: [{ horizon: 3600, scores: { anchor: 0.41 } }], ... }]
 */
export function freezeEntries(
  entries: readonly LeaderboardEntry[],
  paramsByModel: ReadonlyMap<string, readonly ParamStanding[]>,
  windowNames: readonly string[],
  assetWeights?: Readonly<Record<string, number>>,
): FrozenEntry[] {
  return entries
    .filter((e): e is LeaderboardEntry & { rank: number } => e.rank !== null)
    .map((e) => {
      const params = paramsByModel.get(e.model_id) ?? [];
      const horizons = [...new Set(params.map((p) => p.horizon))].sort((a, b) => a - b).map((horizon) => {
        const of = params.filter((p) => p.horizon === horizon);
        return { horizon, scores: Object.fromEntries(windowNames.map((w) => [w, overallValue(of, w, assetWeights)])) };
      });
      return {
        model_id: e.model_id,
        model_name: e.model_name,
        cruncher_id: e.cruncher_id,
        cruncher_name: e.cruncher_name,
        rank: e.rank,
        score_recent: e.score_recent,
        score_steady: e.score_steady,
        score_anchor: e.score_anchor,
        horizons,
      };
    });
}

/** The reward functions' input: players are crunchers (a model without a cruncher is its own player). */
export function rewardStandings(entries: readonly FrozenEntry[]): RewardStanding[] {
  return entries.map((e) => ({
    modelId: e.model_id,
    modelName: e.model_name || e.model_id,
    playerId: e.cruncher_id || e.model_id,
    playerName: e.cruncher_name || e.cruncher_id || e.model_id,
    horizons: e.horizons.map((h) => ({ horizon: h.horizon, scores: h.scores })),
  }));
}

/** A function's payouts with their integer base units (largest remainder: they sum to the distributed total). */
export function checkpointPayouts(result: RewardResult, decimals: number): { payouts: CheckpointPayout[]; distributedUnits: bigint } {
  const { units, total } = toBaseUnits(
    result.payouts.map((p) => p.amount),
    decimals,
  );
  return {
    payouts: result.payouts.map((p, i) => ({
      leafIndex: i,
      modelId: p.modelId,
      modelName: p.modelName,
      playerId: p.playerId,
      playerName: p.playerName,
      horizon: p.horizon,
      rank: p.rank,
      score: p.score,
      amount: p.amount,
      units: units[i],
    })),
    distributedUnits: total,
  };
}

/** The payout leaves of a checkpoint, in tree order (the payouts' leaf index). */
export function payoutLeaves(competitionId: string, checkpointId: string, decimals: number, payouts: readonly CheckpointPayout[]): PayoutLeaf[] {
  return [...payouts]
    .sort((a, b) => a.leafIndex - b.leafIndex)
    .map((p) => ({ competitionId, checkpointId, modelId: p.modelId, horizon: p.horizon, rank: p.rank, amount: p.amount, decimals, units: p.units }));
}

export function payoutTree(leaves: readonly PayoutLeaf[]): MerkleTree {
  return MerkleTree.fromLeaves(leaves.map(encodePayoutLeaf));
}

/**
 * A checkpoint's commitment: the root over its payouts, chained after the chained root of the
 * newest scoring cycle of its period, so it commits to every cycle root up to the period's end.
 */
export function payoutCommitment(leaves: readonly PayoutLeaf[], lastCycleChainedRoot: string | null): { payoutsRoot: string; previousRoot: string | null; chainedRoot: string } {
  const tree = payoutTree(leaves);
  return { payoutsRoot: tree.root.toString('hex'), previousRoot: lastCycleChainedRoot, chainedRoot: chainRoot(hexOrNull(lastCycleChainedRoot), tree.root).toString('hex') };
}

/**
 * A frozen checkpoint's payouts for `pool` with the function, options and direction it froze, and
 * their commitment; or why the function refused (e.g. a required benchmark is missing). Models
 * an operator excluded (`excludedModelIds`, read when the payouts are computed) are taken out
 * before the function sees the standings, whatever the function: they are never paid, and the
 * others rank as if they had never been there. Each one taken out is named in the warnings.
 */
export function computeCheckpointPayouts(
  registry: RewardFunctionRegistry,
  competitionId: string,
  checkpoint: Pick<Checkpoint, 'id' | 'entries' | 'settings' | 'decimals' | 'cycles'>,
  pool: number,
  excludedModelIds: ReadonlySet<string> = new Set(),
): { set: CheckpointPayoutSet } | { error: string } {
  const { settings } = checkpoint;
  const eligible = checkpoint.entries.filter((e) => !excludedModelIds.has(e.model_id));
  const exclusions = checkpoint.entries.filter((e) => excludedModelIds.has(e.model_id)).map((e) => `model ${e.model_id} is excluded by an operator: no payout`);
  let result: RewardResult;
  try {
    result = registry.compute(settings.function, { standings: rewardStandings(eligible), pool, direction: settings.direction, options: settings.options });
  } catch (error) {
    if (error instanceof RewardComputationError) return { error: error.message };
    throw error;
  }
  const { payouts, distributedUnits } = checkpointPayouts(result, checkpoint.decimals);
  const commitment = payoutCommitment(payoutLeaves(competitionId, checkpoint.id, checkpoint.decimals, payouts), checkpoint.cycles.last_chained_root);
  return { set: { pool, payouts, distributedUnits, ...commitment, warnings: [...exclusions, ...result.warnings] } };
}
