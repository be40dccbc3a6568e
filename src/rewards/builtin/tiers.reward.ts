import { ELIGIBILITY_OPTION_KEYS, EligibilityRules, horizonPools, rankByHorizon, rankedPayout, readEligibility } from '../eligible-ranking';
import type { RewardFunction, RewardInput, RewardPayout, RewardResult } from '../reward-function';
import { RewardOptionsReader } from '../reward-options';

/** Every rank from `from` to `to` (inclusive) gets `share` of the horizon's pool. */
export interface TierBand {
  from: number;
  to: number;
  share: number;
}

/** Rank 1: 35%, ranks 2-5: 10% each, ranks 6-10: 5% each (100% in all). */
export const DEFAULT_TIER_BANDS: readonly TierBand[] = [
  { from: 1, to: 1, share: 0.35 },
  { from: 2, to: 5, share: 0.1 },
  { from: 6, to: 10, share: 0.05 },
];

type UnusedShares = 'undistributed' | 'renormalise';

interface TiersOptions {
  eligibility: EligibilityRules;
  bands: readonly TierBand[];
  unusedShares: UnusedShares;
}

/**
 * Fixed shares by rank band, per horizon (after the same eligibility as exponential-top-k).
 * With fewer eligible models than banded ranks, the shares of the empty ranks stay unpaid
 * (`unusedShares: undistributed`, the default) or are spread over the paid ranks in proportion
 * to their shares (`renormalise`: the horizon then pays what the full bands would have paid).
 *
 * @example
 *   compute({ standings, pool: 100, direction: 'lower', options: {} }) // one horizon, 3 eligible models
 *   // ranks 1..3 get 35, 10, 10 (55 paid); with { unusedShares: 'renormalise' }: 63.64, 18.18, 18.18
 */
export class TiersReward implements RewardFunction {
  readonly name = 'tiers';

  validateOptions(options: Record<string, unknown>): void {
    this.parse(options);
  }

  compute({ standings, pool, direction, options }: RewardInput): RewardResult {
    const { eligibility, bands, unusedShares } = this.parse(options);
    const warnings: string[] = [];
    const horizons = rankByHorizon(this.name, standings, direction, eligibility, pool, warnings);
    const fullShare = bands.reduce((acc, b) => acc + b.share * (b.to - b.from + 1), 0);
    const payouts: RewardPayout[] = [];
    for (const { horizon, pool: horizonPool, ranked } of horizons) {
      const shared = ranked.map((m) => ({ ...m, share: shareOf(bands, m.rank) })).filter((m) => m.share > 0);
      const usedShare = shared.reduce((acc, m) => acc + m.share, 0);
      const scale = unusedShares === 'renormalise' && usedShare > 0 ? fullShare / usedShare : 1;
      for (const model of shared) payouts.push(rankedPayout(horizon, model, model.share * scale * horizonPool));
    }
    return { payouts, horizons: horizonPools(horizons), warnings };
  }

  private parse(options: Record<string, unknown>): TiersOptions {
    const read = new RewardOptionsReader(this.name, options);
    read.onlyKeys([...ELIGIBILITY_OPTION_KEYS, 'bands', 'unusedShares']);
    return {
      eligibility: readEligibility(read),
      bands: readBands(read),
      unusedShares: read.choice('unusedShares', ['undistributed', 'renormalise'] as const, 'undistributed'),
    };
  }
}

function shareOf(bands: readonly TierBand[], rank: number): number {
  return bands.find((b) => rank >= b.from && rank <= b.to)?.share ?? 0;
}

function readBands(read: RewardOptionsReader): readonly TierBand[] {
  const raw = read.raw('bands');
  if (raw === undefined) return DEFAULT_TIER_BANDS;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 1000) throw read.error('bands', 'must be a non-empty list of { from, to, share }');
  const bands: TierBand[] = raw.map((entry: unknown, i) => {
    const at = `bands[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw read.error(at, 'must be an object { from, to, share }');
    const band = new RewardOptionsReader(read.rewardFunction, entry as Record<string, unknown>);
    for (const key of Object.keys(entry)) if (!['from', 'to', 'share'].includes(key)) throw read.error(`${at}.${key}`, 'is not a band key (from, to, share)');
    const value = (key: string, integer: boolean, min: number): number => {
      const v = band.raw(key);
      if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min) {
        throw read.error(`${at}.${key}`, `must be ${integer ? 'an integer' : 'a finite number'} >= ${min}`);
      }
      return v;
    };
    const from = value('from', true, 1);
    const to = value('to', true, from);
    return { from, to, share: value('share', false, 0) };
  });
  bands.forEach((b, i) => {
    if (i > 0 && b.from <= bands[i - 1].to) throw read.error(`bands[${i}].from`, `must be after bands[${i - 1}].to (${bands[i - 1].to}): bands are ordered and disjoint`);
  });
  const total = bands.reduce((acc, b) => acc + b.share * (b.to - b.from + 1), 0);
  if (total > 1 + 1e-12) throw read.error('bands', `shares add up to ${total} of the pool (at most 1)`);
  return bands;
}
