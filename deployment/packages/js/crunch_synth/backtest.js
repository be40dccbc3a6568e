#!/usr/bin/env node
'use strict';
/**
 * Local backtest of a Synth tracker on a price file, scored as the coordinator scores it (the
 * counterpart of Python's `crunch_synth.backtest`, with the same rules and numbers).
 *
 * Feeds a price file (the coordinator's `GET /data/prices` CSV: `subject,ts,price`, ts in epoch
 * seconds) to a tracker: `tick` every `tickInterval` seconds with the prices it has not seen (the
 * first tick carries the history window), `predict_all` at each instant the coordinator's
 * round-robin schedule asks for it, then the Synth CRPS (`synth-crps`: crunch-synth's 256-point
 * grid CRPS of every increment of every step, summed, divided by the asset's T) against the price
 * differences of the file, each end priced by the nearest observation within `staleness` seconds
 * (an increment whose two ends are the same observation is left out, as the game does).
 *
 * @example
 *   // command line
 *   node backtest.js --prices prices_BTC.csv --tracker ./my-tracker.js:MyTracker --profile 1h
 *   // code
 *   const { backtest, readPriceFile, profileConfigs } = require('crunch_synth/backtest');
 *   const result = backtest(new MyTracker(), readPriceFile('prices.csv'), profileConfigs('1h', ['BTC']));
 *   console.log(result.meanScore);
 */
const fs = require('node:fs');
const path = require('node:path');
const { FORECAST_PROFILES, MAX_DISTRIBUTION_COMPONENTS } = require('./constants');

/** crunch-synth's half-width T of the CRPS range per asset at the base step (the coordinator's table). */
const CRPS_HALF_WIDTHS = Object.freeze({
  BTC: 1500, SOL: 4, ETH: 80, XAUT: 33, SPYX: 3.2, NVDAX: 2.3, TSLAX: 5.9, AAPLX: 2.1,
  GOOGLX: 3.4, SP500: 21, XRP: 0.04, HYPE: 1.1, WTIOIL: 1.2,
});
const CRPS_BASE_STEP = 300;
const CRPS_GRID_POINTS = 256;
const PRICE_FILE_HEADER = 'subject,ts,price';

class PriceFileError extends Error {}

/** One prediction config as the coordinator's competition file has it (seconds). */
class PredictionConfig {
  constructor(asset, horizon, steps, interval, group, order = 0) {
    this.asset = asset;
    this.horizon = horizon;
    this.steps = steps;
    this.interval = interval;
    const answered = this.answeredSteps;
    if (answered.length === 0) throw new Error(`${asset}: no step up to the horizon ${horizon} in ${JSON.stringify(steps)}`);
    this.step = Math.min(...answered); // the parameter-set step: the finest answered one
    this.group = group ?? `${horizon}-${this.step}`;
    this.order = order;
  }

  /** Steps up to the horizon, in the configured order (predict_all skips larger ones). */
  get answeredSteps() {
    return this.steps.filter((s) => s <= this.horizon);
  }
}

/** The configs of a FORECAST_PROFILES profile ('1h', '24h') for these assets, in one group. */
function profileConfigs(profile, assets) {
  const p = FORECAST_PROFILES[profile];
  if (!p) throw new Error(`unknown profile ${JSON.stringify(profile)} (known: ${Object.keys(FORECAST_PROFILES).join(', ')})`);
  return assets.map((asset, i) => new PredictionConfig(asset, p.horizon, p.steps, p.interval, profile, i));
}

/** `{subject: [[tsSeconds, price], ...]}` sorted by ts, from a `subject,ts,price` CSV. */
function readPriceFile(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[0].replace(/\r$/, '').split(',').slice(0, 3).join(',') !== PRICE_FILE_HEADER) {
    throw new PriceFileError(`${file} line 1: expected the header ${PRICE_FILE_HEADER}, got ${JSON.stringify(lines[0].slice(0, 80))}`);
  }
  const prices = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    const fields = line.split(',');
    const ts = Number(fields[1]);
    const price = Number(fields[2]);
    if (fields.length < 3 || fields[1].trim() === '' || fields[2].trim() === '' || !Number.isFinite(ts) || !Number.isFinite(price)) {
      throw new PriceFileError(`${file} line ${i + 1}: expected subject,ts,price with finite numbers, got ${JSON.stringify(line.slice(0, 80))}`);
    }
    (prices[fields[0].trim()] ??= []).push([ts, price]);
  }
  for (const series of Object.values(prices)) series.sort((a, b) => a[0] - b[0]);
  return prices;
}

// --- the coordinator's schedule ---------------------------------------------------------------

/**
 * `[[timeSeconds, config], ...]` in time order: the round-robin schedule (epoch-aligned; within a
 * group config k runs at `k * interval / n` past each multiple of its interval), for rounds at
 * `start <= t` whose horizon ends by `end`.
 */
function roundTimes(configs, start, end) {
  const groups = new Map();
  for (const config of configs) groups.set(config.group, [...(groups.get(config.group) ?? []), config]);
  const rounds = [];
  for (const members of groups.values()) {
    members.sort((a, b) => a.order - b.order || (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0) || a.horizon - b.horizon || a.step - b.step);
    members.forEach((config, k) => {
      const everyMs = config.interval * 1000;
      const offsetMs = Math.floor((k * everyMs) / members.length);
      for (let t = Math.ceil((start * 1000 - offsetMs) / everyMs) * everyMs + offsetMs; t + config.horizon * 1000 <= end * 1000; t += everyMs) {
        rounds.push([t / 1000, config]);
      }
    });
  }
  return rounds.sort((a, b) => a[0] - b[0] || a[1].order - b[1].order);
}

// --- ground truth ---------------------------------------------------------------------------

/** Nearest observation within a staleness bound, the earlier one on a tie (as the coordinator). */
class PriceSeriesLookup {
  constructor(entries) {
    this.times = entries.map((e) => e[0]);
    this.values = entries.map((e) => e[1]);
  }

  nearest(ts, maxDistance) {
    const { times } = this;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    let bestDistance = Infinity;
    if (lo < times.length) [best, bestDistance] = [lo, times[lo] - ts];
    if (lo - 1 >= 0 && ts - times[lo - 1] <= bestDistance) [best, bestDistance] = [lo - 1, ts - times[lo - 1]];
    if (best < 0 || bestDistance > maxDistance) return null;
    return [times[best], this.values[best]];
  }
}

/** `{values, sameObservation}` of each increment's price difference; throws for a gap. */
function realisedDifferences(lookup, performedAt, horizon, step, staleness) {
  const prices = [];
  const pricedAt = [];
  for (let k = 0; k <= horizon / step; k++) {
    const found = lookup.nearest(performedAt + k * step, staleness);
    if (!found) throw new Error(`no observation within ${staleness}s of ${performedAt + k * step} (gap in the price file)`);
    pricedAt.push(found[0]);
    prices.push(found[1]);
  }
  const values = [];
  const sameObservation = [];
  for (let k = 0; k + 1 < prices.length; k++) {
    values.push(prices[k + 1] - prices[k]);
    if (pricedAt[k] === pricedAt[k + 1]) sameObservation.push(k);
  }
  return { values, sameObservation };
}

// --- densities (the densitypdf format; the grid CRPS needs only the pdf) ----------------------

/** ln Γ(x) for x > 0 (Lanczos, g = 7: ~1e-15 relative, far inside the 1e-9 parity tolerance). */
function logGamma(x) {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
const logBeta = (a, b) => logGamma(a) + logGamma(b) - logGamma(a + b);
const xlogy = (c, z) => (c === 0 ? 0 : c * Math.log(z));
const LN2 = Math.LN2;
const LNPI = Math.log(Math.PI);
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Standardised log-pdfs of the scipy families, `[shapes, f(z, ...shapes)]`, -Infinity outside the support. */
const FAMILIES = {
  norm: [[], (z) => -0.5 * z * z - LN_SQRT_2PI],
  t: [['df'], (z, df) => logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * (Math.log(df) + LNPI) - 0.5 * (df + 1) * Math.log1p((z * z) / df)],
  laplace: [[], (z) => -LN2 - Math.abs(z)],
  cauchy: [[], (z) => -LNPI - Math.log1p(z * z)],
  lognorm: [['s'], (z, s) => (z > 0 ? -0.5 * (Math.log(z) / s) ** 2 - LN_SQRT_2PI - Math.log(s) - Math.log(z) : -Infinity)],
  expon: [[], (z) => (z >= 0 ? -z : -Infinity)],
  gamma: [['a'], (z, a) => (z >= 0 ? xlogy(a - 1, z) - z - logGamma(a) : -Infinity)],
  beta: [['a', 'b'], (z, a, b) => (z >= 0 && z <= 1 ? xlogy(a - 1, z) + (b === 1 ? 0 : (b - 1) * Math.log1p(-z)) - logBeta(a, b) : -Infinity)],
  weibull_min: [['c'], (z, c) => (z >= 0 ? Math.log(c) + xlogy(c - 1, z) - z ** c : -Infinity)],
  weibull_max: [['c'], (z, c) => (z <= 0 ? Math.log(c) + xlogy(c - 1, -z) - (-z) ** c : -Infinity)],
  chi: [['df'], (z, df) => (z >= 0 ? (1 - df / 2) * LN2 - logGamma(df / 2) + xlogy(df - 1, z) - 0.5 * z * z : -Infinity)],
  chi2: [['df'], (z, df) => (z >= 0 ? -(df / 2) * LN2 - logGamma(df / 2) + xlogy(df / 2 - 1, z) - 0.5 * z : -Infinity)],
  rayleigh: [[], (z) => (z > 0 ? Math.log(z) - 0.5 * z * z : -Infinity)],
  pareto: [['b'], (z, b) => (z >= 1 ? Math.log(b) - (b + 1) * Math.log(z) : -Infinity)],
  f: [['dfn', 'dfd'], (z, dfn, dfd) => (z >= 0 ? (dfn / 2) * Math.log(dfn / dfd) - logBeta(dfn / 2, dfd / 2) + xlogy(dfn / 2 - 1, z) - ((dfn + dfd) / 2) * Math.log1p((dfn / dfd) * z) : -Infinity)],
};
const MAX_MIXTURE_DEPTH = 3;
const MAX_MIXTURES = 5;
const isFiniteNumber = (v) => typeof v === 'number' && Number.isFinite(v);

/** A density spec flattened to weighted leaves (mixture weights normalised by their sum, as the coordinator does). */
class Density {
  constructor(spec, maxLeaves = MAX_DISTRIBUTION_COMPONENTS) {
    this.leaves = []; // {weight, name, shapes, loc, scale}
    this.mixtures = 0;
    this.maxLeaves = maxLeaves;
    this.add(spec, 0, 1);
  }

  add(node, depth, weight) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Error('density spec must be an object');
    if (node.type === 'mixture') return this.addMixture(node, depth, weight);
    let name = node.name;
    let shapes;
    let location = 'loc';
    let scale = 'scale';
    if ((node.type === 'scipy' || node.type === 'builtin') && Object.prototype.hasOwnProperty.call(FAMILIES, name)) shapes = FAMILIES[name][0];
    else if ((node.type === 'statistics' || node.type === 'builtin') && name === 'normal') [name, shapes, location, scale] = ['norm', [], 'mu', 'sigma'];
    else throw new Error(`unknown ${node.type} distribution ${JSON.stringify(name)}`);
    if (this.leaves.length + 1 > this.maxLeaves) throw new Error(`more than ${this.maxLeaves} leaf distributions`);
    const params = node.params;
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new Error(`${name}: params must be an object`);
    const expected = [...shapes, location, scale];
    for (const key of expected) if (!isFiniteNumber(params[key])) throw new Error(`${name}: param ${key} must be a finite number`);
    const unexpected = Object.keys(params).find((key) => !expected.includes(key));
    if (unexpected !== undefined) throw new Error(`${name}: unexpected param ${JSON.stringify(unexpected)}`);
    if (shapes.some((s) => !(params[s] > 0))) throw new Error(`${name}: shape parameters must be > 0`);
    if (!(params[scale] > 0)) throw new Error(`${name}: ${scale} must be > 0`);
    this.leaves.push({ weight, name, shapes: shapes.map((s) => params[s]), loc: params[location], scale: params[scale] });
  }

  addMixture(node, depth, weight) {
    if (depth >= MAX_MIXTURE_DEPTH) throw new Error(`mixtures nested deeper than ${MAX_MIXTURE_DEPTH}`);
    if (++this.mixtures > MAX_MIXTURES) throw new Error(`more than ${MAX_MIXTURES} mixtures in one spec`);
    const components = node.components;
    if (!Array.isArray(components) || components.length === 0) throw new Error('mixture components must be a non-empty array');
    const weights = components.map((c, i) => {
      const w = c && typeof c === 'object' ? c.weight : undefined;
      if (!isFiniteNumber(w) || w < 0) throw new Error(`mixture weight ${i} must be a finite number >= 0`);
      return w;
    });
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new Error('mixture weights are all zero');
    components.forEach((c, i) => this.add(c.density, depth + 1, weight * (weights[i] / total)));
  }

  pdf(x) {
    let total = 0;
    for (const { weight, name, shapes, loc, scale } of this.leaves) {
      if (!(weight > 0)) continue;
      const logPdf = FAMILIES[name][1]((x - loc) / scale, ...shapes);
      if (logPdf !== -Infinity) total += (weight * Math.exp(logPdf)) / scale;
    }
    return total;
  }
}

// --- crunch-synth's grid CRPS -----------------------------------------------------------------

/** `numpy.linspace(tMin, tMax, n)` value for value, and the grid CRPS of a density at x. */
class CrpsGrid {
  constructor(tMin, tMax, n = CRPS_GRID_POINTS) {
    const step = (tMax - tMin) / (n - 1);
    this.points = Array.from({ length: n }, (_, i) => i * step + tMin);
    this.points[n - 1] = tMax;
    this.dt = this.points[1] - this.points[0];
  }

  crps(density, x) {
    const { points, dt } = this;
    let running = 0;
    const gaps = points.map((t) => {
      running += density.pdf(t);
      const c = Math.min(1, Math.max(0, running * dt));
      return (c - (t >= x ? 1 : 0)) ** 2;
    });
    let sum = 0;
    for (let i = 1; i < points.length; i++) sum += ((points[i] - points[i - 1]) * (gaps[i] + gaps[i - 1])) / 2;
    return sum;
  }
}

/** The coordinator's `synth-crps` of one predict_all answer (lower is better). */
class SynthCrps {
  constructor({ halfWidths = {}, baseStep = CRPS_BASE_STEP, points = CRPS_GRID_POINTS } = {}) {
    this.halfWidths = { ...CRPS_HALF_WIDTHS, ...halfWidths };
    this.baseStep = baseStep;
    this.points = points;
    this.grids = new Map();
  }

  /** `truths`: Map step -> {values, sameObservation}. Returns the score; throws with the reason. */
  score(asset, answer, truths) {
    const t = this.halfWidths[asset];
    if (t === undefined) throw new Error(`no CRPS half-width T for asset ${JSON.stringify(asset)}`);
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) throw new Error('payload must be an object keyed by step');
    let total = 0;
    for (const [step, { values, sameObservation }] of truths) {
      const specs = answer[String(step)];
      if (specs === undefined) throw new Error(`step ${step}: missing from the payload`);
      if (!Array.isArray(specs) || specs.length !== values.length) throw new Error(`step ${step}: expected ${values.length} density specs, got ${Array.isArray(specs) ? specs.length : typeof specs}`);
      const k = step > this.baseStep ? Math.sqrt(step / this.baseStep) : 1;
      const grid = this.grid(k * t);
      specs.forEach((spec, i) => {
        let density;
        try {
          density = new Density(spec);
        } catch (error) {
          throw new Error(`step ${step}: step ${i}: ${error.message}`);
        }
        if (!sameObservation.includes(i)) total += grid.crps(density, values[i]);
      });
    }
    return total / t;
  }

  grid(halfRange) {
    if (!this.grids.has(halfRange)) this.grids.set(halfRange, new CrpsGrid(-halfRange, halfRange, this.points));
    return this.grids.get(halfRange);
  }
}

// --- the backtest -----------------------------------------------------------------------------

class BacktestResult {
  constructor(predictions) {
    this.predictions = predictions; // {performedAt, asset, horizon, step, score, reason}
  }

  get scored() {
    return this.predictions.filter((p) => p.score !== null);
  }

  get meanScore() {
    const scored = this.scored;
    return scored.length === 0 ? null : scored.reduce((sum, p) => sum + p.score, 0) / scored.length;
  }

  /** The parameter set a prediction belongs to, as the coordinator names it: `BTC-3600-60`. */
  paramOf(p) {
    return `${p.asset}-${p.horizon}-${p.step}`;
  }

  /** `{"BTC-3600-60": mean score}` over the scored predictions of each parameter set. */
  meansByParam() {
    const sums = {};
    for (const p of this.scored) {
      const key = this.paramOf(p);
      const [total, count] = sums[key] ?? [0, 0];
      sums[key] = [total + p.score, count + 1];
    }
    return Object.fromEntries(Object.entries(sums).map(([key, [total, count]]) => [key, total / count]));
  }
}

/**
 * Runs `tracker` over `prices` (`{asset: [[ts, price], ...]}`) as the coordinator would, and scores it.
 * Ticks fall on multiples of `tickInterval` from `start` (default: the first price) and carry the
 * prices with ts up to the tick not sent before (the first one: the last `historySeconds`). A
 * round at time t follows the tick of t's tick instant.
 */
function backtest(tracker, prices, configs, { tickInterval = 60, staleness = 120, historySeconds = 30 * 86400, start, end, scorer = new SynthCrps() } = {}) {
  const allTs = Object.values(prices).flatMap((series) => series.map((e) => e[0]));
  if (allTs.length === 0) throw new Error('the price file holds no prices');
  const from = start ?? Math.min(...allTs);
  const to = end ?? Math.max(...allTs);
  const lookups = new Map(Object.entries(prices).map(([asset, series]) => [asset, new PriceSeriesLookup(series)]));
  const cursor = Object.fromEntries(Object.keys(prices).map((asset) => [asset, 0]));
  let first = true;
  const tick = (at) => {
    const data = {};
    for (const [asset, series] of Object.entries(prices)) {
      let i = cursor[asset];
      if (first) while (i < series.length && series[i][0] < at - historySeconds) i++;
      let j = i;
      while (j < series.length && series[j][0] <= at) j++;
      data[asset] = series.slice(i, j).map(([ts, price]) => [ts, price]);
      cursor[asset] = j;
    }
    first = false;
    tracker.tick(data);
  };
  const results = [];
  let tickAt = Math.ceil(from / tickInterval) * tickInterval;
  for (const [performedAt, config] of roundTimes(configs, from, to)) {
    for (; tickAt <= performedAt; tickAt += tickInterval) tick(tickAt);
    results.push(scoreRound(tracker, scorer, lookups, config, performedAt, staleness));
  }
  return new BacktestResult(results);
}

function scoreRound(tracker, scorer, lookups, config, performedAt, staleness) {
  const prediction = { performedAt, asset: config.asset, horizon: config.horizon, step: config.step, score: null, reason: null };
  let answer;
  try {
    // JSON round trip: the coordinator scores what came over the wire.
    answer = JSON.parse(JSON.stringify(tracker.predict_all(config.asset, config.horizon, config.steps)));
  } catch (error) {
    return { ...prediction, reason: `predict_all threw: ${error.message}` };
  }
  const lookup = lookups.get(config.asset);
  if (!lookup) return { ...prediction, reason: `no prices of ${config.asset} in the file` };
  try {
    const truths = new Map(config.answeredSteps.map((s) => [s, realisedDifferences(lookup, performedAt, config.horizon, s, staleness)]));
    return { ...prediction, score: scorer.score(config.asset, answer, truths) };
  } catch (error) {
    return { ...prediction, reason: error.message };
  }
}

// --- command line -----------------------------------------------------------------------------

const USAGE = `usage: node backtest.js --prices FILE.csv --tracker ./file.js[:ClassName] (--profile 1h|24h [--assets BTC,ETH] | --prediction ASSET:HORIZON:STEPS:INTERVAL[:GROUP] ...)
  [--tick-interval 60] [--staleness 120] [--history-days 30] [--json]`;

function parseArguments(argv) {
  const { parseArgs } = require('node:util');
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      prices: { type: 'string' }, tracker: { type: 'string' }, profile: { type: 'string' }, assets: { type: 'string' },
      prediction: { type: 'string', multiple: true }, 'tick-interval': { type: 'string' }, staleness: { type: 'string' },
      'history-days': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  return values;
}

function number(text, flag, fallback) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0)) throw new Error(`--${flag} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

function parsePrediction(text) {
  const parts = text.split(':');
  if (parts.length !== 4 && parts.length !== 5) throw new Error(`--prediction must be ASSET:HORIZON:STEP[,STEP...]:INTERVAL[:GROUP], got ${JSON.stringify(text)}`);
  const [asset, horizon, steps, interval, group] = parts;
  const ints = [horizon, ...steps.split(','), interval].map((s) => Number(s));
  if (!ints.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`--prediction ${JSON.stringify(text)}: horizon, steps and interval must be positive integers`);
  return new PredictionConfig(asset, ints[0], ints.slice(1, -1), ints[ints.length - 1], group);
}

function loadTracker(spec, cwd) {
  const at = spec.lastIndexOf(':');
  const hasClass = at > 1; // not a Windows drive letter
  const file = path.resolve(cwd, hasClass ? spec.slice(0, at) : spec);
  const exported = require(file);
  const Tracker = hasClass ? exported[spec.slice(at + 1)] : typeof exported === 'function' ? exported : Object.values(exported).find((v) => typeof v === 'function');
  if (typeof Tracker !== 'function') throw new Error(`--tracker: ${file} exports no class${hasClass ? ` named ${spec.slice(at + 1)}` : ''}`);
  return new Tracker();
}

function main(argv, io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() }) {
  let options;
  let prices;
  let configs;
  let tracker;
  let settings;
  try {
    options = parseArguments(argv);
    if (options.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (!options.prices || !options.tracker) throw new Error('--prices and --tracker are required');
    prices = readPriceFile(path.resolve(io.cwd, options.prices));
    configs = (options.prediction ?? []).map(parsePrediction);
    if (options.profile) configs.push(...profileConfigs(options.profile, options.assets ? options.assets.split(',') : Object.keys(prices).sort()));
    if (configs.length === 0) throw new Error('say what to predict: --profile 1h|24h or --prediction ASSET:HORIZON:STEPS:INTERVAL');
    settings = {
      tickInterval: number(options['tick-interval'], 'tick-interval', 60),
      staleness: number(options.staleness, 'staleness', 120),
      historySeconds: number(options['history-days'], 'history-days', 30) * 86400,
    };
    tracker = loadTracker(options.tracker, io.cwd);
  } catch (error) {
    io.stderr(`backtest: ${String(error.message).split('\n')[0]}\n`);
    return 2;
  }
  const result = backtest(tracker, prices, configs, settings);
  if (options.json) {
    const predictions = result.predictions.map((p) => ({ performed_at: p.performedAt, asset: p.asset, horizon: p.horizon, step: p.step, score: p.score, reason: p.reason }));
    io.stdout(`${JSON.stringify({ predictions, mean_score: result.meanScore, means_by_param: result.meansByParam() })}\n`);
    return 0;
  }
  const iso = (s) => new Date(s * 1000).toISOString().replace(/\.000Z$/, 'Z');
  for (const p of result.predictions) io.stdout(`${iso(p.performedAt)} ${p.asset}-${p.horizon}-${p.step} ${p.score !== null ? p.score.toPrecision(9) : `FAILED (${p.reason})`}\n`);
  for (const [key, mean] of Object.entries(result.meansByParam()).sort()) io.stdout(`mean ${key} ${mean.toPrecision(9)}\n`);
  const mean = result.meanScore;
  io.stdout(`mean score ${mean === null ? 'n/a' : mean.toPrecision(9)} over ${result.scored.length} predictions (${result.predictions.length - result.scored.length} failed; lower is better)\n`);
  return 0;
}

module.exports = { backtest, readPriceFile, profileConfigs, roundTimes, BacktestResult, PredictionConfig, PriceSeriesLookup, SynthCrps, Density, CrpsGrid, PriceFileError, CRPS_HALF_WIDTHS, main };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
