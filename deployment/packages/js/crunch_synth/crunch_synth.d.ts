/**
 * Types of the JavaScript stand-in of the Synth participant package, for TypeScript submissions:
 * `import { TrackerBase } from 'crunch_synth/tracker'` (resolved at run time from deployment/packages/js).
 */
declare module 'crunch_synth/prices' {
  /** `[timestamp seconds, price]` */
  export type PriceEntry = [number, number];
  export type PriceData = Record<string, PriceEntry[]>;

  export class PriceSeries {
    readonly size: number;
    keys(): number[];
  }

  export class PriceStore {
    constructor(windowDays?: number);
    readonly window_days: number;
    readonly data: Record<string, PriceSeries>;
    /** The newest timestamp over all assets, or null without data. */
    readonly last_timestamp: number | null;
    add_price(asset: string, price: number, timestamp: number): void;
    add_prices(asset: string, entries: PriceEntry[]): void;
    add_bulk(data: PriceData): void;
    /** Points of the last `days` days (all when null), at least `resolution` seconds apart (default 60; 0: every point). */
    get_prices(asset: string, days?: number | null, resolution?: number): PriceEntry[];
    get_last_price(asset: string): PriceEntry | null;
    get_closest_price(asset: string, timestamp: number): PriceEntry | null;
  }
}

declare module 'crunch_synth/tracker' {
  import { PriceData, PriceStore } from 'crunch_synth/prices';

  /** A density specification (densitypdf format), optionally with the `step` offset it is for. */
  export type Density = Record<string, unknown>;

  export abstract class SubTracker {
    prices: PriceStore;
    tick(data: PriceData): void;
    abstract predict(asset: string, horizon: number, step: number): Density[];
  }

  export class TrackerBase {
    prices: PriceStore;
    /** Routes predict(asset, horizon, ...) to `subTracker`; `asset` is a symbol, a list of symbols or '*'. */
    track(horizon: number, asset: string | string[], subTracker: SubTracker): void;
    tick(data: PriceData): void;
    predict(asset: string, horizon: number, step: number): Density[];
    /** `{step: [density, ...]}` for every step not larger than `horizon`, checked (at most 3 leaf components) and rounded. */
    predict_all(asset: string, horizon: number, steps: number[]): Record<number, Density[]>;
  }
}

declare module 'crunch_synth/backtest' {
  import { PriceData } from 'crunch_synth/prices';
  import { TrackerBase } from 'crunch_synth/tracker';

  /** One prediction config as the coordinator's competition file has it (seconds). */
  export class PredictionConfig {
    constructor(asset: string, horizon: number, steps: number[], interval: number, group?: string, order?: number);
    readonly asset: string;
    readonly horizon: number;
    readonly steps: number[];
    readonly interval: number;
    /** The parameter-set step: the finest step up to the horizon. */
    readonly step: number;
    readonly group: string;
    readonly order: number;
    readonly answeredSteps: number[];
  }

  export interface ScoredPrediction {
    /** Epoch seconds. */
    performedAt: number;
    asset: string;
    horizon: number;
    step: number;
    /** The Synth CRPS (lower is better), or null when the prediction could not be scored. */
    score: number | null;
    reason: string | null;
  }

  export interface BacktestResult {
    readonly predictions: ScoredPrediction[];
    readonly scored: ScoredPrediction[];
    readonly meanScore: number | null;
    meansByParam(): Record<string, number>;
  }

  export interface BacktestOptions {
    /** Seconds between ticks (the competition's tick.interval; default 60). */
    tickInterval?: number;
    /** Largest distance in seconds between a wanted time and the price used for it (feed.stalenessSeconds; default 120). */
    staleness?: number;
    /** History sent with the first tick (default 30 days). */
    historySeconds?: number;
    start?: number;
    end?: number;
  }

  /** `subject,ts,price` (GET /data/prices) -> `{subject: [[tsSeconds, price], ...]}`. */
  export function readPriceFile(file: string): PriceData;
  /** The configs of a profile ('1h', '24h') for these assets, in one round-robin group. */
  export function profileConfigs(profile: string, assets: string[]): PredictionConfig[];
  /** Ticks and asks `tracker` on the coordinator's schedule over `prices`, and scores each answer with the Synth CRPS. */
  export function backtest(tracker: TrackerBase, prices: PriceData, configs: PredictionConfig[], options?: BacktestOptions): BacktestResult;
}
