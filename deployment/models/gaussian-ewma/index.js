'use strict';
/**
 * Baseline: Gaussian log-return density whose variance is an EWMA (RiskMetrics, lambda 0.94) of
 * squared log-returns, scaled from the observation spacing to the requested step.
 * Without enough history it falls back to a prior volatility per asset.
 */
const { TrackerBase } = require('condorgame/tracker');

const LAMBDA = 0.94;
const MIN_RETURNS = 10;
/** Prior volatility of a one-second log-return when history is too short (about 60%/year). */
const PRIOR_SIGMA_PER_SQRT_SECOND = { BTC: 1.1e-4, ETH: 1.4e-4, SOL: 1.9e-4, XAU: 3.5e-5 };
const DEFAULT_PRIOR = 1.2e-4;

function validateRequest(horizon, step) {
  if (!Number.isInteger(horizon) || !Number.isInteger(step) || step <= 0 || horizon < step || horizon % step !== 0) {
    throw new RangeError(`horizon ${horizon} must be a positive multiple of step ${step}`);
  }
  return horizon / step;
}

class GaussianEwmaTracker extends TrackerBase {
  /** EWMA volatility of a one-second log-return, or undefined when history is too short. */
  sigmaPerSqrtSecond(asset) {
    // Every point (resolution 0), as many as the seed's base class kept.
    const history = this.prices.get_prices(asset, null, 0).slice(-12000);
    if (history.length < MIN_RETURNS + 1) return undefined;
    let variance;
    let spacing = 0;
    let count = 0;
    for (let i = 1; i < history.length; i++) {
      const [t0, p0] = history[i - 1];
      const [t1, p1] = history[i];
      if (!(p0 > 0 && p1 > 0 && t1 > t0)) continue;
      const r = Math.log(p1 / p0) / Math.sqrt(t1 - t0);
      variance = variance === undefined ? r * r : LAMBDA * variance + (1 - LAMBDA) * r * r;
      spacing += t1 - t0;
      count++;
    }
    if (count < MIN_RETURNS || !(variance > 0)) return undefined;
    return Math.sqrt(variance);
  }

  predict(asset, horizon, step) {
    const steps = validateRequest(horizon, step);
    const sigma = this.sigmaPerSqrtSecond(asset) ?? PRIOR_SIGMA_PER_SQRT_SECOND[asset] ?? DEFAULT_PRIOR;
    const scale = Math.max(sigma * Math.sqrt(step), 1e-6);
    return Array.from({ length: steps }, () => ({ type: 'builtin', name: 'norm', params: { loc: 0, scale } }));
  }
}

module.exports = { GaussianEwmaTracker };
