import { ELIGIBILITY_OPTION_KEYS, EligibilityRules, horizonPools, rankByHorizon, rankedPayout, readEligibility } from '../eligible-ranking';
import type { RewardFunction, RewardInput, RewardPayout, RewardResult } from '../reward-function';
import { RewardOptionsReader } from '../reward-options';

interface ExponentialTopKOptions {
  eligibility: EligibilityRules;
  alpha: number;
  /** null: every eligible model is paid (the live game's `apply_top_k_participants: false`). */
  topK: number | null;
}

/**
 * The live Synth game's published reward function, per horizon: after eligibility (see
 * `rankByHorizon`), rank r <= K gets `exp(alpha / r) / sum_{s=1..K} exp(alpha / s)` of the
 * horizon's pool. The sum runs over all K positions, so with fewer than K eligible models part
 * of the pool stays unpaid. Without top-K, K is the number of eligible models.
 *
 * Options (defaults = the live game's config, benchmark aside): `alpha` (1), `topK` (4, null for
 * all), and the eligibility options `scoreColumn` (anchor), `zeroMeansUnscored` (true),
 * `bestModelPerPlayer` (true), `playerKey` (name), `benchmarkPlayerName` + `benchmarkModelName`
 * (none), `useBenchmarkCutoff` (false).
 *
 * @example
 *   compute({ standings, pool: 100, direction: 'higher', options: { topK: 4, alpha: 1 } })
 *   // one horizon: ranks 1..4 get 38.57, 23.40, 19.80, 18.22 (sums to 100)
 */
export class ExponentialTopKReward implements RewardFunction {
  readonly name = 'exponential-top-k';

  validateOptions(options: Record<string, unknown>): void {
    this.parse(options);
  }

  compute({ standings, pool, direction, options }: RewardInput): RewardResult {
    const { eligibility, alpha, topK } = this.parse(options);
    const warnings: string[] = [];
    const horizons = rankByHorizon(this.name, standings, direction, eligibility, pool, warnings);
    const payouts: RewardPayout[] = [];
    for (const { horizon, pool: horizonPool, ranked } of horizons) {
      const paid = topK === null ? ranked : ranked.filter((m) => m.rank <= topK);
      const positions = topK ?? ranked.length;
      // Same operation order as the reference: sum the weights of positions 1..K, then weight / sum * pool.
      let totalWeight = 0;
      for (let r = 1; r <= positions; r++) totalWeight += Math.exp(alpha / r);
      for (const model of paid) payouts.push(rankedPayout(horizon, model, (Math.exp(alpha / model.rank) / totalWeight) * horizonPool));
    }
    return { payouts, horizons: horizonPools(horizons), warnings };
  }

  private parse(options: Record<string, unknown>): ExponentialTopKOptions {
    const read = new RewardOptionsReader(this.name, options);
    read.onlyKeys([...ELIGIBILITY_OPTION_KEYS, 'alpha', 'topK']);
    return {
      eligibility: readEligibility(read),
      alpha: read.number('alpha', 1, { min: 0, max: 700 }),
      topK: read.integerOrNull('topK', 4, 1),
    };
  }
}
