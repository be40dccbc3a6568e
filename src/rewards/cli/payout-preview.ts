import { formatUnits, toBaseUnits } from '../base-units';
import type { RewardResult } from '../reward-function';

/** One row of the preview, in the live game's snake_case (as in its `reward_entries`). */
export interface PayoutPreviewRow {
  model_id: string;
  model_name: string;
  player_id: string;
  player_name: string;
  horizon: number;
  rank: number;
  score: number;
  /** Floating point, as the reference computes it. */
  reward: number;
  /** Integer base units (a decimal string: may exceed 2^53). */
  units: string;
}

export interface PayoutPreview {
  function: string;
  direction: 'higher' | 'lower';
  pool: number;
  decimals: number;
  horizons: Array<{ horizon: number; pool: number; eligible: number }>;
  payouts: PayoutPreviewRow[];
  /** Sum of `units`: the distributed total. */
  distributed_units: string;
  warnings: string[];
}

export function buildPayoutPreview(
  rewardFunction: string,
  direction: 'higher' | 'lower',
  pool: number,
  decimals: number,
  result: RewardResult,
): PayoutPreview {
  const { units, total } = toBaseUnits(
    result.payouts.map((p) => p.amount),
    decimals,
  );
  return {
    function: rewardFunction,
    direction,
    pool,
    decimals,
    horizons: result.horizons.map((h) => ({ ...h })),
    payouts: result.payouts.map((p, i) => ({
      model_id: p.modelId,
      model_name: p.modelName,
      player_id: p.playerId,
      player_name: p.playerName,
      horizon: p.horizon,
      rank: p.rank,
      score: p.score,
      reward: p.amount,
      units: units[i].toString(),
    })),
    distributed_units: total.toString(),
    warnings: result.warnings,
  };
}

/** A fixed-width text table of the preview, with a summary line per horizon and the total. */
export function formatPayoutTable(preview: PayoutPreview): string {
  const header = ['horizon', 'rank', 'model_id', 'player', 'model', 'score', 'reward', `units (${preview.decimals} dp)`];
  const rows = preview.payouts.map((p) => [
    String(p.horizon),
    String(p.rank),
    p.model_id,
    p.player_name,
    p.model_name,
    String(p.score),
    String(p.reward),
    formatUnits(BigInt(p.units), preview.decimals),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const lines = [
    `${preview.function}: pool ${preview.pool}, ${preview.horizons.length} horizon(s), ${preview.direction} score is better`,
    ...preview.horizons.map((h) => `  horizon ${h.horizon}: pool ${h.pool}, ${h.eligible} eligible`),
    '',
    line(header),
    ...rows.map(line),
    '',
    `distributed ${formatUnits(BigInt(preview.distributed_units), preview.decimals)} of ${preview.pool} in ${preview.payouts.length} payout(s)`,
    ...preview.warnings.map((w) => `warning: ${w}`),
  ];
  return `${lines.join('\n')}\n`;
}
