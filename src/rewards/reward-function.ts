import type { ScoreDirection } from '../score/scorers/scorer';
import { RewardFunction as rewardFunctionDecorator } from './reward-function.decorator';

/** `@RewardFunction(name)` (see reward-function.decorator.ts), importable with the interface of the same name. */
export const RewardFunction = rewardFunctionDecorator;

/**
 * The reward-function contract: how a checkpoint turns a frozen leaderboard and a pool into
 * payouts. Amounts are floating point here (as the live game computes them); `toBaseUnits`
 * turns them into exact integers afterwards.
 *
 * @example
 *   @RewardFunction('winner-takes-all')
 *   @Injectable()
 *   export class WinnerTakesAll implements RewardFunction {
 *     readonly name = 'winner-takes-all';
 *     compute({ standings, pool, direction, options }: RewardInput): RewardResult {
 *       const warnings: string[] = [];
 *       const rules = readEligibility(new RewardOptionsReader(this.name, options));
 *       const horizons = rankByHorizon(this.name, standings, direction, rules, pool, warnings);
 *       // pay rank 1 of each horizon its whole horizon pool (whole file: test/rewards/fixtures/winner-takes-all.module.ts)
 *     }
 *   }
 */
export interface RewardFunction {
  readonly name: string;
  /** Throws RewardOptionsError naming the bad option key; called once at startup. */
  validateOptions?(options: Record<string, unknown>): void;
  /** Throws RewardComputationError when the leaderboard cannot be rewarded (e.g. a required benchmark is missing). */
  compute(input: RewardInput): RewardResult;
}

/** One model of the frozen leaderboard, with its score columns per horizon. */
export interface RewardStanding {
  modelId: string;
  modelName: string;
  playerId: string;
  playerName: string;
  /** One entry per horizon the model is scored on; a column value of null means "not scored". */
  horizons: ReadonlyArray<HorizonScores>;
}

export interface HorizonScores {
  /** Horizon in seconds (the live game: 3600 and 86400). */
  horizon: number;
  /** Score column (e.g. recent, steady, anchor) -> value. */
  scores: Readonly<Record<string, number | null>>;
}

export interface RewardInput {
  /** Leaderboard order; ties keep this order. */
  standings: readonly RewardStanding[];
  /** The period's pool, in currency units (not base units). */
  pool: number;
  /** Which way the competition's score is better (the live game: higher; CRPS: lower). */
  direction: ScoreDirection;
  options: Record<string, unknown>;
}

/** One paid model on one horizon. */
export interface RewardPayout {
  modelId: string;
  modelName: string;
  playerId: string;
  playerName: string;
  horizon: number;
  /** 1-based rank among the eligible models of the horizon. */
  rank: number;
  /** The score the rank was computed on (the function's score column). */
  score: number;
  /** Floating-point amount, in currency units. */
  amount: number;
}

/** The pool one horizon received (the pool split equally between the horizons present). */
export interface HorizonPool {
  horizon: number;
  pool: number;
  /** Models eligible after filtering (before top-K / bands). */
  eligible: number;
}

export interface RewardResult {
  /** Ordered by horizon, then rank. */
  payouts: RewardPayout[];
  horizons: HorizonPool[];
  /** Conditions worth showing an operator (e.g. "benchmark not found on horizon 3600"). */
  warnings: string[];
}
