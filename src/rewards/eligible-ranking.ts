import type { ScoreDirection } from '../score/scorers/scorer';
import { RewardComputationError } from './reward.errors';
import type { HorizonPool, RewardPayout, RewardStanding } from './reward-function';
import { RewardOptionsReader } from './reward-options';

/** Which models of a horizon may be paid, before a function weights them. */
export interface EligibilityRules {
  /** The score column ranked on (the live game: `anchor`). */
  scoreColumn: string;
  /** A score of exactly 0 counts as "not scored" (the live game writes 0 for no score; a perfect CRPS of 0 needs false). */
  zeroMeansUnscored: boolean;
  /** Keep only each player's best model (the live game: a player runs up to two). */
  bestModelPerPlayer: boolean;
  /** How players are told apart: the published function groups by name. */
  playerKey: 'name' | 'id';
  /** The benchmark model, removed from the pool (null: no benchmark). */
  benchmark: { playerName: string; modelName: string } | null;
  /** Only models strictly better than the benchmark stay; a missing benchmark is then an error. */
  useBenchmarkCutoff: boolean;
}

export const ELIGIBILITY_OPTION_KEYS = [
  'scoreColumn',
  'zeroMeansUnscored',
  'bestModelPerPlayer',
  'playerKey',
  'benchmarkPlayerName',
  'benchmarkModelName',
  'useBenchmarkCutoff',
] as const;

/** Reads the eligibility options every built-in shares (see ELIGIBILITY_OPTION_KEYS). */
export function readEligibility(read: RewardOptionsReader): EligibilityRules {
  const playerName = read.string('benchmarkPlayerName', null, true);
  const modelName = read.string('benchmarkModelName', null, true);
  if ((playerName === null) !== (modelName === null)) {
    throw read.error(playerName === null ? 'benchmarkPlayerName' : 'benchmarkModelName', 'must be set together with the other benchmark option');
  }
  const benchmark = playerName !== null && modelName !== null ? { playerName, modelName } : null;
  const useBenchmarkCutoff = read.boolean('useBenchmarkCutoff', false);
  if (useBenchmarkCutoff && benchmark === null) throw read.error('useBenchmarkCutoff', 'needs benchmarkPlayerName and benchmarkModelName');
  return {
    scoreColumn: read.string('scoreColumn', 'anchor'),
    zeroMeansUnscored: read.boolean('zeroMeansUnscored', true),
    bestModelPerPlayer: read.boolean('bestModelPerPlayer', true),
    playerKey: read.choice('playerKey', ['name', 'id'] as const, 'name'),
    benchmark,
    useBenchmarkCutoff,
  };
}

export interface RankedModel {
  standing: RewardStanding;
  score: number;
  /** 1..n, best first; equal scores keep the leaderboard order (pandas' rank "first"). */
  rank: number;
}

export interface HorizonRanking {
  horizon: number;
  /** The total pool split equally between the horizons present. */
  pool: number;
  ranked: RankedModel[];
}

/** The payout of a ranked model on a horizon: its identity, rank and score, and the amount. */
export function rankedPayout(horizon: number, { standing, score, rank }: RankedModel, amount: number): RewardPayout {
  return { modelId: standing.modelId, modelName: standing.modelName, playerId: standing.playerId, playerName: standing.playerName, horizon, rank, score, amount };
}

/** What each horizon received and how many models were eligible there, for a RewardResult. */
export function horizonPools(horizons: readonly HorizonRanking[]): HorizonPool[] {
  return horizons.map((h) => ({ horizon: h.horizon, pool: h.pool, eligible: h.ranked.length }));
}

/**
 * The live game's eligibility, per horizon: drop entries whose score is null (or 0, see
 * `zeroMeansUnscored`); sort best first (stable); keep each player's best model; remove the
 * benchmark (found after the best-per-player step, as the published function does) and, with
 * the cutoff, keep only models strictly better than it; rank 1..n. A horizon is "present" when at
 * least one entry has a score there, and each present horizon gets `pool / present`.
 *
 * @example
 *   rankByHorizon('f', standings, 'higher', rules, 100, warnings)
 *   // [{ horizon: 3600, pool: 50, ranked: [{ standing, score: 0.66, rank: 1 }, ...] }, { horizon: 86400, ... }]
 */
export function rankByHorizon(
  rewardFunction: string,
  standings: readonly RewardStanding[],
  direction: ScoreDirection,
  rules: EligibilityRules,
  pool: number,
  warnings: string[],
): HorizonRanking[] {
  const byHorizon = scoredEntriesByHorizon(standings, rules);
  const horizons = [...byHorizon.keys()].sort((a, b) => a - b);
  const horizonPool = horizons.length === 0 ? 0 : pool / horizons.length;
  return horizons.map((horizon) => ({
    horizon,
    pool: horizonPool,
    ranked: rankHorizon(rewardFunction, horizon, byHorizon.get(horizon)!, direction, rules, warnings),
  }));
}

interface ScoredEntry {
  standing: RewardStanding;
  score: number;
}

function scoredEntriesByHorizon(standings: readonly RewardStanding[], rules: EligibilityRules): Map<number, ScoredEntry[]> {
  const byHorizon = new Map<number, ScoredEntry[]>();
  for (const standing of standings) {
    for (const { horizon, scores } of standing.horizons) {
      const score = scores[rules.scoreColumn];
      if (typeof score !== 'number' || !Number.isFinite(score)) continue;
      if (score === 0 && rules.zeroMeansUnscored) continue;
      let entries = byHorizon.get(horizon);
      if (entries === undefined) byHorizon.set(horizon, (entries = []));
      entries.push({ standing, score });
    }
  }
  return byHorizon;
}

function rankHorizon(
  rewardFunction: string,
  horizon: number,
  entries: ScoredEntry[],
  direction: ScoreDirection,
  rules: EligibilityRules,
  warnings: string[],
): RankedModel[] {
  const sign = direction === 'higher' ? -1 : 1;
  // Array.prototype.sort is stable: equal scores keep the leaderboard order.
  let kept = [...entries].sort((a, b) => (a.score === b.score ? 0 : a.score < b.score ? -sign : sign));
  if (rules.bestModelPerPlayer) kept = bestPerPlayer(kept, rules.playerKey);
  if (rules.benchmark !== null) {
    const { playerName, modelName } = rules.benchmark;
    const at = kept.findIndex((e) => e.standing.playerName === playerName && e.standing.modelName === modelName);
    if (at === -1) {
      const detail = `benchmark model "${playerName}/${modelName}" not found on horizon ${horizon}`;
      if (rules.useBenchmarkCutoff) throw new RewardComputationError(rewardFunction, `${detail} (useBenchmarkCutoff needs it)`);
      warnings.push(`${detail}: no model excluded, no cutoff`);
    } else {
      const benchmarkScore = kept[at].score;
      kept = kept.filter((_, i) => i !== at);
      if (rules.useBenchmarkCutoff) kept = kept.filter((e) => (direction === 'higher' ? e.score > benchmarkScore : e.score < benchmarkScore));
    }
  }
  return kept.map((e, i) => ({ ...e, rank: i + 1 }));
}

function bestPerPlayer(sorted: ScoredEntry[], key: 'name' | 'id'): ScoredEntry[] {
  const seen = new Set<string>();
  return sorted.filter((e) => {
    const player = key === 'name' ? e.standing.playerName : e.standing.playerId;
    if (seen.has(player)) return false;
    seen.add(player);
    return true;
  });
}
