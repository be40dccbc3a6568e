'use strict';
/**
 * Checks and rounding `TrackerBase.predict_all` applies to every predicted distribution (the
 * JavaScript counterpart of Python's `crunch_synth.utils.distributions`).
 *
 * @example
 *   validate_distribution({ type: 'builtin', name: 'norm', params: { loc: 0, scale: 1 } }); // passes
 *   round_distribution_digits({ type: 'builtin', name: 'norm', params: { loc: 0.123456789 } }, 6); // loc 0.123457
 */
const { MAX_DISTRIBUTION_COMPONENTS } = require('./constants');

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function componentsOf(dist) {
  const components = dist.components;
  if (!Array.isArray(components)) throw new TypeError(`a mixture needs a list of components, got ${JSON.stringify(components)}`);
  for (const component of components) {
    if (!isPlainObject(component) || !isPlainObject(component.density)) {
      throw new TypeError(`a mixture component must be {density: {...}, weight: w}, got ${JSON.stringify(component)}`);
    }
  }
  return components;
}

/** Leaf components of a distribution: 1 for a plain one, the sum over components for a mixture. */
function count_distribution_components(dist) {
  if (!isPlainObject(dist)) throw new TypeError(`a distribution must be an object, got ${JSON.stringify(dist)}`);
  if (dist.type !== 'mixture') return 1;
  return componentsOf(dist).reduce((total, component) => total + count_distribution_components(component.density), 0);
}

/** Throws when `dist` has more than MAX_DISTRIBUTION_COMPONENTS leaf components. */
function validate_distribution(dist) {
  const count = count_distribution_components(dist);
  if (count > MAX_DISTRIBUTION_COMPONENTS) {
    throw new RangeError(
      `Distribution contains ${count} total components (including nested mixtures), but the maximum allowed is ${MAX_DISTRIBUTION_COMPONENTS}.`,
    );
  }
}

function round_significant(value, digits) {
  if (value === 0) return 0;
  if (!Number.isFinite(value)) throw new RangeError(`cannot round ${value}: distribution parameters must be finite numbers`);
  return Number(value.toPrecision(digits));
}

/** Rounds the weights and numeric parameters of `dist` in place to `digits` significant digits; returns it. */
function round_distribution_digits(dist, digits = 6) {
  if (dist.type === 'mixture') {
    for (const component of componentsOf(dist)) {
      if (typeof component.weight === 'number') component.weight = round_significant(component.weight, digits);
      round_distribution_digits(component.density, digits);
    }
    return dist;
  }
  if (isPlainObject(dist.params)) {
    for (const [key, value] of Object.entries(dist.params)) {
      if (typeof value === 'number') dist.params[key] = round_significant(value, digits);
    }
  }
  return dist;
}

module.exports = { count_distribution_components, validate_distribution, round_distribution_digits, round_significant };
