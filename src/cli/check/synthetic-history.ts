import type { CompetitionDefinition } from '../../config/competition/competition.types';
import { SyntheticPriceProcess } from '../../data-source/adapters/synthetic-price-process';
import { PricePoint, ReplayPrices } from '../../replay/prices/replay-prices';
import type { ReplayRange } from '../../replay/replayed-competition';

/** Where every check starts (a fixed instant, so two checks of one file see the same prices). */
const CHECK_START_MS = Date.UTC(2026, 0, 1);
/** Rounds of each config after its first, before the range ends (the separation check needs a few). */
const EXTRA_ROUNDS = 3;
/** History before the start: the feed's `historySeconds`, at most a day and 20 000 points per subject. */
const MAX_HISTORY_SECONDS = 86_400;
const MAX_HISTORY_POINTS = 20_000;
/** Volatility regimes per run: enough switches that reading the history pays. */
const REGIMES_PER_RUN = 4;
const SEED = 20260101;

/**
 * The simulated range a check runs: from a fixed start, long enough for every config's horizon
 * plus a few more rounds, and for the scoring cycles that resolve the last of them.
 *
 * @example
 *   checkRange(demo) // { fromMs: 2026-01-01T00:00Z, toMs: +695 s } (slow configs: 300 s + 3 x 120 s)
 */
export function checkRange(competition: CompetitionDefinition, durationSeconds?: number): ReplayRange {
  const perConfig = competition.predictions.filter((p) => p.active).map((p) => p.horizon + EXTRA_ROUNDS * p.interval);
  const seconds =
    durationSeconds ?? Math.max(...perConfig, competition.tick.interval) + 2 * competition.scoring.intervalSeconds + competition.feed.stalenessSeconds + competition.feed.granularity;
  return { fromMs: CHECK_START_MS, toMs: CHECK_START_MS + seconds * 1000 };
}

/**
 * A seeded synthetic price history of every feed subject at the feed's granularity, from the
 * history a joining model receives up to the end of the range. The walk is the `synthetic` feed's
 * (volatility regimes and jumps), with regimes short enough to switch several times in the run,
 * so a model whose spread follows the recent moves beats one with a fixed spread.
 */
export function syntheticHistory(competition: CompetitionDefinition, range: ReplayRange): ReplayPrices {
  const { feed } = competition;
  const historySeconds = Math.min(feed.historySeconds, MAX_HISTORY_SECONDS, MAX_HISTORY_POINTS * feed.granularity);
  const fromMs = range.fromMs - historySeconds * 1000;
  const runSteps = Math.max(1, (range.toMs - range.fromMs) / 1000 / feed.granularity);
  const points = new Map<string, PricePoint[]>();
  for (const subject of feed.subjects) {
    const walk = new SyntheticPriceProcess(subject, {
      seed: SEED,
      stepSeconds: feed.granularity,
      // The walk's origin at the history's first point: from there on it is one sequential sum (fast).
      originMs: fromMs,
      startPrice: startPrice(feed.options, subject),
      volatility: 0.8,
      regimeSteps: Math.max(2, Math.round(runSteps / REGIMES_PER_RUN)),
      jumpProbability: 0.001,
      jumpStdDev: 0.01,
    });
    points.set(subject, [...walk.prices(fromMs, range.toMs)]);
  }
  return new ReplayPrices(points);
}

/** The feed's own start price of a subject when its options name one (a synthetic feed's), else 100. */
function startPrice(options: Record<string, unknown>, subject: string): number {
  const perSubject = options.startPrices;
  const named = perSubject !== null && typeof perSubject === 'object' ? (perSubject as Record<string, unknown>)[subject] : undefined;
  const candidate = typeof named === 'number' ? named : options.startPrice;
  return typeof candidate === 'number' && candidate > 0 ? candidate : 100;
}
