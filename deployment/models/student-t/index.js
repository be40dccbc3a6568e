'use strict';
/**
 * Baseline: Student-t log-return density (fat tails). Degrees of freedom fixed at 4; the scale
 * is fitted so the t's variance matches the sample variance of recent returns (per second),
 * using a median-absolute-deviation estimate so a single spike does not dominate.
 */
const { TrackerBase } = require('condorgame/tracker');

const DF = 4;
const WINDOW = 1440;
const MIN_RETURNS = 20;
const PRIOR_SIGMA_PER_SQRT_SECOND = 1.2e-4;
/** MAD of a t(4) with unit scale, to turn a sample MAD into a t scale. */
const T4_MAD = 0.7407;

function validateRequest(horizon, step) {
  if (!Number.isInteger(horizon) || !Number.isInteger(step) || step <= 0 || horizon < step || horizon % step !== 0) {
    throw new RangeError(`horizon ${horizon} must be a positive multiple of step ${step}`);
  }
  return horizon / step;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

class StudentTTracker extends TrackerBase {
  /** Fitted t scale of a one-second log-return, or undefined without enough history. */
  scalePerSqrtSecond(asset) {
    const history = this.prices.get_prices(asset, null, 0).slice(-WINDOW - 1);
    const normalised = [];
    for (let i = 1; i < history.length; i++) {
      const [t0, p0] = history[i - 1];
      const [t1, p1] = history[i];
      if (p0 > 0 && p1 > 0 && t1 > t0) normalised.push(Math.log(p1 / p0) / Math.sqrt(t1 - t0));
    }
    if (normalised.length < MIN_RETURNS) return undefined;
    const center = median(normalised);
    const mad = median(normalised.map((r) => Math.abs(r - center)));
    return mad > 0 ? mad / T4_MAD : undefined;
  }

  predict(asset, horizon, step) {
    const steps = validateRequest(horizon, step);
    // Prior: the t scale whose variance equals the prior Gaussian variance.
    const perSecond = this.scalePerSqrtSecond(asset) ?? PRIOR_SIGMA_PER_SQRT_SECOND * Math.sqrt((DF - 2) / DF);
    const scale = Math.max(perSecond * Math.sqrt(step), 1e-6);
    return Array.from({ length: steps }, () => ({ type: 'builtin', name: 't', params: { df: DF, loc: 0, scale } }));
  }
}

module.exports = { StudentTTracker };
