/** A density specification (the coordinator's densitypdf format), e.g. `{ type: 'builtin', name: 'norm', params: { loc: 0, scale: 0.01 } }`. */
export type Density =
  | { type: 'builtin' | 'scipy'; name: string; params: Record<string, number> }
  | { type: 'mixture'; components: { density: Density; weight: number }[] };

/** Per asset, `[ts_seconds, price]` points, oldest first. */
export type PriceHistory = Record<string, [number, number][]>;

export declare const ASSETS: string[];
export declare const TARGET: 'log-return' | 'difference';

/** Base class of every {{name}} model (Setup class name `{{base_class_path}}`). */
export declare abstract class {{base_class}} {
  prices: PriceHistory;
  /** Receives `{"ASSET": [[ts_seconds, price], ...]}`; the default keeps the points in `this.prices`. */
  tick(data: PriceHistory): void;
  /**
   * Forecasts one configuration: {{output_summary}}.
{{ts_predict_args_doc}}
   */
  abstract predict({{ts_predict_params}}): {{ts_returns_type}};
  lastPrice(asset: string): number | null;
  changes(asset: string, step: number, count?: number): number[];
  volatility(asset: string, step: number, count?: number, prior?: number): number;
}
