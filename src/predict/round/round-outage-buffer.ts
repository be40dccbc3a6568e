import type { PredictionConfig } from '../../competition/prediction-config';
import type { PredictionRecord, PredictionRoundRecord } from './prediction-round';

/** A round whose models answered while the database could not be reached: stored later with the same ids. */
export interface PendingRound {
  round: PredictionRoundRecord;
  config: PredictionConfig;
  predictions: PredictionRecord[];
  /** Time the round took up to its answers (stored as the round's duration). */
  durationMs: number;
  /** Models whose prediction was inserted while the calls ran (PredictionInsertStream): not inserted again. */
  storedModelIds?: ReadonlySet<string>;
}

/**
 * What the outage buffer did since start, for `/healthz` now and for a metrics module later
 * (there is no metrics endpoint yet): read it, never write it.
 */
export interface OutageBufferCounters {
  /** Rounds and predictions held in memory right now. */
  readonly bufferedRounds: number;
  readonly bufferedPredictions: number;
  /** Rounds (and their predictions) written once the database came back. */
  readonly storedRounds: number;
  readonly storedPredictions: number;
  /** Rounds refused because the buffer was full, or found already run by another instance when written. */
  readonly droppedRounds: number;
  readonly droppedPredictions: number;
  /** The configured bound, in predictions. */
  readonly maxPredictions: number;
}

/**
 * Holds, in arrival order, rounds that could not be written during a database outage, up to
 * `maxPredictions` predictions in all (memory is what an outage must not exhaust). A round that
 * does not fit is refused whole, so what is kept is the start of the outage, and the caller
 * warns. Pure bookkeeping: the round service writes them and says how each one ended.
 *
 * @example
 *   const buffer = new RoundOutageBuffer(50_000);
 *   if (!buffer.add(pending)) logger.warn('outage buffer full: round dropped');
 *   for (const p of buffer.pending()) { await store(p); buffer.stored(p); }
 */
export class RoundOutageBuffer {
  private readonly rounds: PendingRound[] = [];
  private predictionCount = 0;
  private readonly totals = { storedRounds: 0, storedPredictions: 0, droppedRounds: 0, droppedPredictions: 0 };

  constructor(readonly maxPredictions: number) {
    if (!Number.isInteger(maxPredictions) || maxPredictions < 0) throw new Error(`outage buffer bound must be a non-negative integer, got ${maxPredictions}`);
  }

  get size(): number {
    return this.rounds.length;
  }

  /** Keeps the round; false (and counted as dropped) when it would pass the bound. */
  add(pending: PendingRound): boolean {
    if (this.predictionCount + pending.predictions.length > this.maxPredictions) {
      this.count('dropped', pending);
      return false;
    }
    this.rounds.push(pending);
    this.predictionCount += pending.predictions.length;
    return true;
  }

  /** The held rounds, oldest first (a copy: the caller settles them one by one). */
  pending(): PendingRound[] {
    return [...this.rounds];
  }

  /** The round was written. */
  stored(pending: PendingRound): void {
    if (this.remove(pending)) this.count('stored', pending);
  }

  /** The round will never be written (its slot was taken meanwhile, or the database refused it). */
  dropped(pending: PendingRound): void {
    if (this.remove(pending)) this.count('dropped', pending);
  }

  counters(): OutageBufferCounters {
    return { bufferedRounds: this.rounds.length, bufferedPredictions: this.predictionCount, ...this.totals, maxPredictions: this.maxPredictions };
  }

  private remove(pending: PendingRound): boolean {
    const index = this.rounds.indexOf(pending);
    if (index === -1) return false;
    this.rounds.splice(index, 1);
    this.predictionCount -= pending.predictions.length;
    return true;
  }

  private count(outcome: 'stored' | 'dropped', pending: PendingRound): void {
    this.totals[`${outcome}Rounds`] += 1;
    this.totals[`${outcome}Predictions`] += pending.predictions.length;
  }
}
