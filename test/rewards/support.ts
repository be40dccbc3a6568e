import type { RewardStanding } from '../../src/rewards/reward-function';

/** A standing with one score column (anchor) per horizon; `player` doubles as player id unless given. */
export function standing(modelId: string, player: string, anchors: Record<number, number | null>, extra: Partial<RewardStanding> = {}): RewardStanding {
  return {
    modelId,
    modelName: `model-${modelId}`,
    playerId: player,
    playerName: player,
    horizons: Object.entries(anchors).map(([horizon, anchor]) => ({ horizon: Number(horizon), scores: { anchor } })),
    ...extra,
  };
}

/** The live game's weights for ranks 1..k, normalised over k positions. */
export function exponentialShare(rank: number, k: number, alpha = 1): number {
  let total = 0;
  for (let r = 1; r <= k; r++) total += Math.exp(alpha / r);
  return Math.exp(alpha / rank) / total;
}
