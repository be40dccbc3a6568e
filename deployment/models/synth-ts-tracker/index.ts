/**
 * Example Synth tracker (TypeScript): the same model as synth-python-tracker, written against the
 * JavaScript stand-in of the participant package (same names as Python's `crunch_synth`). The base
 * class's `tick` fills `this.prices`; `predict` reads it at the resolution of the requested step;
 * the 24-hour horizon is routed to a sub-tracker with `track`.
 *
 * Target of the game: the price change over one step, `p(t) - p(t - step)`, in price units.
 */
import { PriceStore } from 'crunch_synth/prices';
import { SubTracker, TrackerBase } from 'crunch_synth/tracker';

const MIN_CHANGES = 10;
const CALM_WEIGHT = 0.8;
const STRESS_WEIGHT = 0.2;
const STRESS_FACTOR = 2.5;
/** Prior when there is too little history: 0.1% of the price per square root of an hour. */
const PRIOR_RELATIVE_SIGMA_PER_SQRT_HOUR = 0.001;

/** Standard deviation of `step`-second price changes over the last `days` days (see the Python twin). */
function stepSigma(prices: PriceStore, asset: string, step: number, days: number): number {
  for (const [resolution, scale] of [
    [step, 1],
    [60, Math.sqrt(step / 60)],
  ]) {
    const points = prices.get_prices(asset, days, resolution);
    const changes: number[] = [];
    for (let i = 1; i < points.length; i++) {
      if (points[i][0] - points[i - 1][0] < 2 * resolution) changes.push(points[i][1] - points[i - 1][1]);
    }
    if (changes.length >= MIN_CHANGES) {
      const variance = changes.reduce((sum, change) => sum + change * change, 0) / changes.length;
      if (variance > 0) return Math.sqrt(variance) * scale;
    }
  }
  const last = prices.get_last_price(asset);
  const price = last ? last[1] : 1;
  return Math.max(Math.abs(price), 1e-9) * PRIOR_RELATIVE_SIGMA_PER_SQRT_HOUR * Math.sqrt(step / 3600);
}

function mixture(sigma: number) {
  return {
    type: 'mixture',
    components: [
      { density: { type: 'builtin', name: 'norm', params: { loc: 0, scale: sigma } }, weight: CALM_WEIGHT },
      { density: { type: 'builtin', name: 'norm', params: { loc: 0, scale: sigma * STRESS_FACTOR } }, weight: STRESS_WEIGHT },
    ],
  };
}

function perIncrement(spec: object, horizon: number, step: number) {
  return Array.from({ length: Math.floor(horizon / step) }, (_, k) => ({ ...spec, step: (k + 1) * step }));
}

/** The 24-hour horizon: a week of history at the step's resolution. */
class DailyTracker extends SubTracker {
  override predict(asset: string, horizon: number, step: number) {
    return perIncrement(mixture(stepSigma(this.prices, asset, step, 7)), horizon, step);
  }
}

export class MultiResolutionTracker extends TrackerBase {
  constructor() {
    super();
    this.track(86400, '*', new DailyTracker());
  }

  override predict(asset: string, horizon: number, step: number) {
    if (horizon === 86400) return super.predict(asset, horizon, step); // routed to DailyTracker
    return perIncrement(mixture(stepSigma(this.prices, asset, step, 1)), horizon, step);
  }
}
