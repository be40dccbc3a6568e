export interface SyntheticProcessParams {
  seed: number;
  /** Seconds between steps. */
  stepSeconds: number;
  /** Step index 0 of the walk (epoch ms); the price there is the start price. */
  originMs: number;
  startPrice: number;
  /** Annualised volatility of the calm-normal regime, e.g. 0.8 for 80 %. */
  volatility: number;
  /** Steps per volatility regime. */
  regimeSteps: number;
  /** Probability of a jump at a step. */
  jumpProbability: number;
  /** Standard deviation of a jump's log-return. */
  jumpStdDev: number;
}

const TWO_POW_32 = 4_294_967_296;
const YEAR_SECONDS = 365 * 86_400;
/** Steps between cached cumulative sums. */
const CHECKPOINT_STEPS = 1024;
/** Regime volatility multipliers and their cumulative probabilities. */
const REGIMES: Array<[cumulative: number, multiplier: number]> = [
  [0.25, 0.5],
  [0.85, 1],
  [1, 2.5],
];

/**
 * A seeded random walk of log-prices with volatility regimes and jumps, computed as a pure
 * function of (seed, subject, time): every step's noise comes from a hash of
 * (seed, subject, step index), and the level from a checkpointed cumulative sum, so the price at
 * a timestamp is the same bit for bit whatever ranges were asked before.
 *
 * @example
 *   const btc = new SyntheticPriceProcess('BTC', { ...params, seed: 7 });
 *   btc.priceAt(Date.UTC(2026, 0, 1)); // always the same number for seed 7
 */
export class SyntheticPriceProcess {
  private readonly key: number;
  private readonly stepMs: number;
  private readonly sigma: number;
  private readonly originStep: number;
  /** forward[k] = log-level at originStep + k * CHECKPOINT_STEPS. */
  private readonly forward: number[] = [0];
  /** backward[k] = log-level at originStep - k * CHECKPOINT_STEPS. */
  private readonly backward: number[] = [0];

  constructor(
    readonly subject: string,
    private readonly params: SyntheticProcessParams,
  ) {
    this.key = mix32(mix32(params.seed >>> 0) ^ fnv1a(subject));
    this.stepMs = params.stepSeconds * 1000;
    this.sigma = params.volatility * Math.sqrt(params.stepSeconds / YEAR_SECONDS);
    this.originStep = Math.floor(params.originMs / this.stepMs);
  }

  /** The step timestamps in `[fromMs, toMs]`, with their prices, oldest first. */
  *prices(fromMs: number, toMs: number): Generator<{ ts: number; price: number }> {
    const first = Math.ceil(fromMs / this.stepMs);
    const last = Math.floor(toMs / this.stepMs);
    if (last < first) return;
    let index = first;
    let level = this.logLevel(index);
    yield { ts: index * this.stepMs, price: this.params.startPrice * Math.exp(level) };
    while (++index <= last) {
      // Above the origin the sequential sum is exactly the checkpointed one (same additions, same order).
      level = index > this.originStep ? level + this.logReturn(index) : this.logLevel(index);
      yield { ts: index * this.stepMs, price: this.params.startPrice * Math.exp(level) };
    }
  }

  priceAt(tsMs: number): number {
    return this.params.startPrice * Math.exp(this.logLevel(Math.floor(tsMs / this.stepMs)));
  }

  /** Log-return of the step ending at step `index`. */
  logReturn(index: number): number {
    const regime = this.regimeMultiplier(Math.floor(index / this.params.regimeSteps));
    let r = this.sigma * regime * this.normal(index, 1);
    if (this.uniform(index, 4) < this.params.jumpProbability) r += this.params.jumpStdDev * this.normal(index, 5);
    return r;
  }

  private logLevel(index: number): number {
    const offset = index - this.originStep;
    if (offset >= 0) {
      const k = Math.floor(offset / CHECKPOINT_STEPS);
      this.extendForward(k);
      let level = this.forward[k];
      for (let j = this.originStep + k * CHECKPOINT_STEPS + 1; j <= index; j++) level += this.logReturn(j);
      return level;
    }
    const k = Math.floor(-offset / CHECKPOINT_STEPS);
    this.extendBackward(k);
    let level = this.backward[k];
    for (let j = this.originStep - k * CHECKPOINT_STEPS; j > index; j--) level -= this.logReturn(j);
    return level;
  }

  private extendForward(k: number): void {
    while (this.forward.length <= k) {
      const block = this.forward.length - 1;
      let level = this.forward[block];
      const start = this.originStep + block * CHECKPOINT_STEPS;
      for (let j = start + 1; j <= start + CHECKPOINT_STEPS; j++) level += this.logReturn(j);
      this.forward.push(level);
    }
  }

  private extendBackward(k: number): void {
    while (this.backward.length <= k) {
      const block = this.backward.length - 1;
      let level = this.backward[block];
      const start = this.originStep - block * CHECKPOINT_STEPS;
      for (let j = start; j > start - CHECKPOINT_STEPS; j--) level -= this.logReturn(j);
      this.backward.push(level);
    }
  }

  private regimeMultiplier(regime: number): number {
    const u = this.uniform(regime, 3);
    for (const [cumulative, multiplier] of REGIMES) if (u < cumulative) return multiplier;
    return 1;
  }

  /** Standard normal from two hashed uniforms (Box-Muller). */
  private normal(index: number, stream: number): number {
    const u1 = this.uniform(index, stream);
    const u2 = this.uniform(index, stream + 1);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform in (0, 1) from (seed, subject, index, stream). */
  private uniform(index: number, stream: number): number {
    const low = index >>> 0;
    const high = Math.floor(index / TWO_POW_32) >>> 0;
    let h = mix32(this.key ^ Math.imul(stream, 0x9e3779b1));
    h = mix32(h ^ low);
    h = mix32(h ^ Math.imul(high + 0x165667b1, 0x27d4eb2f));
    return (h + 0.5) / TWO_POW_32;
  }
}

/** murmur3's 32-bit finaliser: a cheap, well-mixed integer hash. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
