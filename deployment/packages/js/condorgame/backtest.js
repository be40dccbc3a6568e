#!/usr/bin/env node
'use strict';
/**
 * Local backtest of a condorgame tracker on a price file, scored as the coordinator scores it
 * (the counterpart of Python's `condorgame.backtest`, with the same rules and numbers).
 *
 * Feeds a price file (see `./price-file.js`) to a tracker as the coordinator's tick loop does: a
 * tick at every multiple of `tickInterval` that has new prices, the first one carrying the
 * history window (`historySeconds` behind each subject's newest price), later ones the prices
 * newer than the newest one already sent (a failed tick is sent again). At each instant of the
 * reference competition's round-robin schedule (`competitions/condorgame.yaml`) it asks
 * `predict(asset, horizon, step)` and scores the answer with `density-pdf`: the mean over steps
 * of the pdf of spec k at the log-return of step k, each end priced by the nearest price within
 * `staleness` seconds (the earlier one on a tie). Higher is better. An answer the coordinator
 * would not score gets the penalty (`batch-min` capped at 0: 0 with one model in the round); a
 * round with a gap in the prices is void (no score, left out of the means).
 *
 * @example
 *   // command line
 *   NODE_PATH=deployment/packages/js node deployment/packages/js/condorgame/backtest.js \
 *     --prices prices.csv --tracker ./my-tracker.js --from 2026-01-09T00:00:00Z --to 2026-01-10T00:00:00Z
 *   // code
 *   const { backtest, referenceConfigs } = require('condorgame/backtest');
 *   const { readPriceFile } = require('condorgame/price-file');
 *   const result = backtest(new MyTracker(), await readPriceFile('prices.csv'), referenceConfigs());
 *   console.log(result.meanScore, result.meansByParam());
 */
const path = require('node:path');
// The pieces that are the same in both games come from the Synth package beside this one: the
// densitypdf spec parser and pdf (with this scorer's 16-leaf limit), the nearest-price lookup and
// the round-robin schedule (the tracker's predict_all is borrowed from it the same way).
const { BacktestResult: SynthBacktestResult, Density, PriceSeriesLookup, roundTimes } = require('../crunch_synth/backtest');
const { readPriceFile } = require('./price-file');

/** competitions/condorgame.yaml (test/data/condorgame-backtest.spec.ts keeps these equal to it). */
const SUBJECTS = Object.freeze(['BTC', 'ETH', 'SOL', 'XAU']);
const REFERENCE_PREDICTIONS = Object.freeze([
  // asset, horizon, step, interval, group, order
  ['BTC', 86400, 300, 3600, 'daily', 0], ['ETH', 86400, 300, 3600, 'daily', 1],
  ['SOL', 86400, 300, 3600, 'daily', 2], ['XAU', 86400, 300, 3600, 'daily', 3],
  ['BTC', 3600, 60, 720, 'hourly', 0], ['ETH', 3600, 60, 720, 'hourly', 1],
  ['SOL', 3600, 60, 720, 'hourly', 2], ['XAU', 3600, 60, 720, 'hourly', 3],
]);
const TICK_INTERVAL = 60;
const STALENESS_SECONDS = 120;
const HISTORY_SECONDS = 691200;
const CALL_TIMEOUT_SECONDS = 60;
const MAX_PREDICTION_BYTES = 2000000;
const PENALTY = Object.freeze({ policy: 'batch-min', cap: 0 });
/** density-pdf's default maxComponents: leaf distributions per spec, nested mixtures counted by leaves. */
const MAX_COMPONENTS = 16;

/** One prediction config of the competition file (seconds); configs of a group are round-robined. */
class PredictionConfig {
  constructor(asset, horizon, step, interval, group, order = 0) {
    for (const [name, value] of [['horizon', horizon], ['step', step], ['interval', interval]]) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${asset}: ${name} must be a positive integer of seconds, got ${JSON.stringify(value)}`);
    }
    if (horizon % step !== 0) throw new Error(`${asset}: horizon ${horizon} is not a multiple of step ${step}`);
    Object.assign(this, { asset, horizon, step, interval, group: group ?? `${horizon}-${step}`, order });
  }

  /** The parameter set, as the coordinator names it: `BTC-3600-60`. */
  get param() {
    return `${this.asset}-${this.horizon}-${this.step}`;
  }
}

/** The reference competition's configs (`groups`: a subset of 'daily', 'hourly'; default both). */
function referenceConfigs(groups) {
  const known = [...new Set(REFERENCE_PREDICTIONS.map((p) => p[4]))].sort();
  for (const group of groups ?? []) if (!known.includes(group)) throw new Error(`unknown group ${JSON.stringify(group)} (the reference competition has ${known.join(', ')})`);
  return REFERENCE_PREDICTIONS.filter((p) => !groups || groups.length === 0 || groups.includes(p[4])).map((p) => new PredictionConfig(...p));
}

/**
 * The score of a prediction that could not be scored, from its round's successful scores (the
 * coordinator's `penaltyScore`): `batch-min` the worst bounded by `cap`, `fixed` its value,
 * `percentile` the p-th from the best end (linear). null: no score.
 *
 * @example
 *   penaltyScore({ policy: 'batch-min', cap: 0 }, [0.8, 1.2]); // 0
 */
function penaltyScore(policy, successfulScores, direction = 'higher') {
  switch (policy.policy) {
    case 'fixed':
      return policy.value;
    case 'batch-min': {
      const cap = policy.cap ?? null;
      const worst = successfulScores.length === 0 ? null : direction === 'higher' ? Math.min(...successfulScores) : Math.max(...successfulScores);
      if (cap === null) return worst;
      if (worst === null) return cap;
      return direction === 'higher' ? Math.min(worst, cap) : Math.max(worst, cap);
    }
    case 'percentile': {
      if (successfulScores.length === 0) return null;
      const ascending = [...successfulScores].sort((a, b) => a - b);
      const p = direction === 'lower' ? policy.percentile : 100 - policy.percentile;
      const position = (Math.min(100, Math.max(0, p)) / 100) * (ascending.length - 1);
      const below = Math.floor(position);
      const above = Math.min(ascending.length - 1, below + 1);
      return ascending[below] + (ascending[above] - ascending[below]) * (position - below);
    }
    default:
      throw new Error(`unknown penalty policy ${JSON.stringify(policy.policy)}`);
  }
}

// --- what the tracker receives ----------------------------------------------------------------

function lowerBound(times, ts) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const upperBound = (times, ts) => {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * The coordinator's tick loop for one model: the history window first, then the prices newer than
 * the newest one sent; nothing is sent when nothing is new; a failed tick is sent again.
 */
class TickFeed {
  constructor(prices, historySeconds = HISTORY_SECONDS) {
    const ordered = [...SUBJECTS.filter((s) => s in prices), ...Object.keys(prices).filter((s) => !SUBJECTS.includes(s)).sort()];
    this.series = ordered.map((s) => ({ subject: s, times: prices[s].map((e) => e[0]), entries: prices[s] }));
    this.historySeconds = historySeconds;
    this.sentThrough = null; // the newest ts sent by a successful tick; null: no history yet
  }

  get hasHistory() {
    return this.sentThrough !== null;
  }

  /** `{data, newest}` of the tick of instant `at`, or null when the model is up to date. */
  payload(at) {
    const data = {};
    let through = null;
    for (const { subject, times, entries } of this.series) {
      const end = upperBound(times, at);
      if (end === 0) {
        data[subject] = [];
        continue;
      }
      const newest = times[end - 1];
      through = through === null ? newest : Math.max(through, newest);
      const begin = this.sentThrough === null ? lowerBound(times, newest - this.historySeconds) : upperBound(times, this.sentThrough);
      data[subject] = entries.slice(begin, end).map(([ts, price]) => [ts, price]);
    }
    if (through === null || (this.sentThrough !== null && this.sentThrough >= through)) return null;
    const sent = Object.values(data).filter((points) => points.length > 0).map((points) => points[points.length - 1][0]);
    return { data, newest: sent.length > 0 ? Math.max(...sent) : through };
  }

  tick(tracker, at, timeoutSeconds = CALL_TIMEOUT_SECONDS) {
    const planned = this.payload(at);
    if (!planned) return;
    const started = performance.now();
    try {
      tracker.tick(planned.data);
    } catch {
      return; // a failing tick is counted on the coordinator, never fatal; it is resent
    }
    if (performance.now() - started <= timeoutSeconds * 1000) this.sentThrough = planned.newest;
  }
}

// --- ground truth and the density-pdf score ---------------------------------------------------

/** `ln p(t0 + (k+1) step) - ln p(t0 + k step)` for each step; throws for a gap. */
function realisedLogReturns(lookup, performedAt, horizon, step, staleness) {
  const prices = [];
  for (let k = 0; k <= horizon / step; k++) {
    const found = lookup.nearest(performedAt + k * step, staleness);
    if (!found) throw new Error(`no observation within ${staleness}s of ${iso(performedAt + k * step)} (gap in the price file)`);
    prices.push(found[1]);
  }
  return prices.slice(1).map((p, k) => Math.log(p) - Math.log(prices[k]));
}

/** The coordinator's `density-pdf`: mean over steps of `pdf_k(x_k)`; throws with the reason. */
class DensityPdf {
  constructor(maxComponents = MAX_COMPONENTS) {
    this.direction = 'higher';
    this.maxComponents = maxComponents;
  }

  score(payload, truth) {
    if (!Array.isArray(payload)) throw new Error(`payload must be an array of ${truth.length} entries, got ${payload === null ? 'null' : typeof payload}`);
    if (payload.length !== truth.length) throw new Error(`payload has ${payload.length} entries, expected ${truth.length}`);
    let total = 0;
    payload.forEach((spec, k) => {
      let density;
      try {
        density = new Density(spec, this.maxComponents);
      } catch (error) {
        throw new Error(`step ${k}: ${error.message}`);
      }
      const p = density.pdf(truth[k]);
      if (!Number.isFinite(p)) throw new Error(`step ${k}: density is not finite at the observation`);
      total += p;
    });
    return total / truth.length;
  }
}

function hasNonFinite(value) {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNonFinite);
  return false;
}

/** The answer as stored (a JSON round trip), or throws as the coordinator fails it. */
function checkAnswer(answer, count, maxBytes = MAX_PREDICTION_BYTES) {
  if (!Array.isArray(answer) || answer.length !== count || !answer.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
    throw new Error(`expected an array of ${count} density objects`);
  }
  if (hasNonFinite(answer)) throw new Error('non-finite number in the answer (not storable as JSON)');
  const json = JSON.stringify(answer);
  if (Buffer.byteLength(json, 'utf8') > maxBytes) throw new Error(`payload is above the ${maxBytes}-byte limit`);
  return JSON.parse(json);
}

// --- the backtest -----------------------------------------------------------------------------

/**
 * The Synth helper's result (scored predictions, their mean, the means per parameter set, penalties
 * included), keyed by the prediction's config, and the leaderboard's combination of the means.
 */
class BacktestResult extends SynthBacktestResult {
  paramOf(p) {
    return p.config.param;
  }

  /** Mean over parameter sets of their means: how the leaderboard combines them. */
  get overallScore() {
    const means = Object.values(this.meansByParam());
    return means.length === 0 ? null : means.reduce((a, b) => a + b, 0) / means.length;
  }
}

/**
 * Runs `tracker` over `prices` (`{asset: [[ts, price], ...]}`) as the coordinator would, and scores
 * it: rounds at `start <= t` whose horizon ends by `end` (default: the first and the last price);
 * prices after `end` are not used (a replay to `end` never reveals them). `assets` keeps the rounds
 * of those assets only, at the times the whole group gives them.
 */
function backtest(tracker, prices, configs, options = {}) {
  const {
    tickInterval = TICK_INTERVAL, staleness = STALENESS_SECONDS, historySeconds = HISTORY_SECONDS, assets,
    penalty = PENALTY, callTimeout = CALL_TIMEOUT_SECONDS, scorer = new DensityPdf(),
  } = options;
  // Series are sorted: their ends bound the file (no spread of a month of minutes into Math.min).
  const series = Object.values(prices).filter((s) => s.length > 0);
  if (series.length === 0) throw new Error('the price file holds no prices');
  const start = options.start ?? series.reduce((min, s) => Math.min(min, s[0][0]), Infinity);
  const end = options.end ?? series.reduce((max, s) => Math.max(max, s[s.length - 1][0]), -Infinity);
  if (!(start < end)) throw new Error(`the start ${iso(start)} is not before the end ${iso(end)}`);
  const visible = Object.fromEntries(Object.entries(prices).map(([asset, series]) => [asset, series.filter((e) => e[0] <= end)]));
  const lookups = new Map(Object.entries(visible).filter(([, s]) => s.length > 0).map(([asset, series]) => [asset, new PriceSeriesLookup(series)]));
  const feed = new TickFeed(visible, historySeconds);
  const results = [];
  let tickAt = Math.ceil(start / tickInterval) * tickInterval;
  for (const [performedAt, config] of roundTimes(configs, start, end)) {
    if (assets && !assets.includes(config.asset)) continue;
    for (; tickAt <= performedAt; tickAt += tickInterval) feed.tick(tracker, tickAt, callTimeout); // a round waits for its instant's tick
    results.push(scoreRound(tracker, feed, scorer, penalty, lookups, config, performedAt, staleness, callTimeout));
  }
  return new BacktestResult(results);
}

function scoreRound(tracker, feed, scorer, penalty, lookups, config, performedAt, staleness, callTimeout) {
  const { status, answer, reason } = ask(tracker, feed, config, callTimeout);
  const prediction = { performedAt, config, status, score: null, success: false, reason };
  let truth;
  try {
    const lookup = lookups.get(config.asset);
    if (!lookup) throw new Error(`no prices of ${config.asset} in the file`);
    truth = realisedLogReturns(lookup, performedAt, config.horizon, config.step, staleness);
  } catch (error) {
    return { ...prediction, reason: error.message }; // a void round: nobody could be right or wrong
  }
  if (status === 'SUCCESS') {
    try {
      return { ...prediction, score: scorer.score(answer, truth), success: true };
    } catch (error) {
      prediction.reason = error.message;
    }
  }
  // One model in the round: no successful score beside this one.
  return { ...prediction, score: penaltyScore(penalty, [], scorer.direction) };
}

/** `{status, answer, reason}` of one predict call, as the coordinator records it. */
function ask(tracker, feed, config, callTimeout) {
  if (!feed.hasHistory) return { status: 'ABSENT', answer: null, reason: 'no history yet' };
  const started = performance.now();
  let answer;
  try {
    answer = tracker.predict(config.asset, config.horizon, config.step);
  } catch (error) {
    return { status: 'FAILED', answer: null, reason: `predict threw: ${error?.message ?? String(error)}` };
  }
  if (performance.now() - started > callTimeout * 1000) return { status: 'TIMEOUT', answer: null, reason: `predict took more than ${callTimeout}s` };
  try {
    return { status: 'SUCCESS', answer: checkAnswer(answer, config.horizon / config.step), reason: null };
  } catch (error) {
    return { status: 'FAILED', answer: null, reason: error.message };
  }
}

// --- command line -----------------------------------------------------------------------------

const USAGE = `usage: node backtest.js --prices FILE.csv|FILE.parquet --tracker ./file.js[:ClassName]
  [--from ISO|SECONDS] [--to ISO|SECONDS] [--group daily|hourly ...] [--assets BTC,ETH]
  [--prediction ASSET:HORIZON:STEP:INTERVAL[:GROUP] ...] [--tick-interval 60] [--staleness 120]
  [--history-seconds 691200] [--json]`;

function parseArguments(argv) {
  const { parseArgs } = require('node:util');
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      prices: { type: 'string' }, tracker: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
      group: { type: 'string', multiple: true }, assets: { type: 'string' }, prediction: { type: 'string', multiple: true },
      'tick-interval': { type: 'string' }, staleness: { type: 'string' }, 'history-seconds': { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

function positive(text, flag, fallback) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`--${flag} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

/** Epoch seconds from unix seconds or ISO 8601 with a zone. */
function parseTime(text, flag) {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? Date.parse(text) / 1000 : NaN;
  if (!Number.isFinite(value)) throw new Error(`--${flag} must be unix seconds or ISO 8601 with a zone (2026-01-01T00:00:00Z), got ${JSON.stringify(text)}`);
  return value;
}

function parsePrediction(text) {
  const parts = text.split(':');
  if (parts.length !== 4 && parts.length !== 5) throw new Error(`--prediction must be ASSET:HORIZON:STEP:INTERVAL[:GROUP], got ${JSON.stringify(text)}`);
  const [asset, horizon, step, interval, group] = parts;
  const ints = [horizon, step, interval].map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (!ints.every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error(`--prediction ${JSON.stringify(text)}: horizon, step and interval must be positive integers of seconds`);
  return new PredictionConfig(asset, ...ints, group);
}

/** An instance of `./file.js[:ClassName]` (without a class: its one exported class, or its condorgame TrackerBase subclass). */
function loadTracker(spec, cwd) {
  const at = spec.lastIndexOf(':');
  const hasClass = at > 1; // not a Windows drive letter
  const file = path.resolve(cwd, hasClass ? spec.slice(0, at) : spec);
  let exported;
  try {
    exported = require(file);
  } catch (error) {
    throw new Error(`--tracker: cannot load ${file}: ${String(error.message).split('\n')[0]}`);
  }
  const { TrackerBase } = require('./tracker');
  const classes = typeof exported === 'function' ? [exported] : Object.values(exported ?? {}).filter((v) => typeof v === 'function');
  const Tracker = hasClass ? exported?.[spec.slice(at + 1)] : (classes.find((c) => c.prototype instanceof TrackerBase) ?? classes[0]);
  if (typeof Tracker !== 'function') throw new Error(`--tracker: ${file} exports no class${hasClass ? ` named ${spec.slice(at + 1)}` : ''}`);
  return new Tracker();
}

/**
 * The command: exit code 0, or 2 with one line on stderr for a bad argument or price file.
 * @example
 *   await main(['--prices', 'prices.csv', '--tracker', './my-tracker.js', '--json']);
 */
async function main(argv, io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() }) {
  let options;
  let run;
  try {
    options = parseArguments(argv);
    if (options.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (!options.prices || !options.tracker) throw new Error('--prices and --tracker are required');
    const prices = await readPriceFile(path.resolve(io.cwd, options.prices));
    if (options.prediction && options.group) throw new Error("--group selects among the competition's configs: not with --prediction");
    const configs = options.prediction ? options.prediction.map(parsePrediction) : referenceConfigs(options.group);
    let assets;
    if (options.assets) {
      assets = options.assets.split(',').map((a) => a.trim()).filter(Boolean);
      const known = [...new Set(configs.map((c) => c.asset))].sort();
      const unknown = assets.filter((a) => !known.includes(a));
      if (unknown.length > 0 || assets.length === 0) throw new Error(`--assets: ${unknown.join(', ') || 'none given'} not among the configs' assets (${known.join(', ')})`);
    }
    const start = options.from === undefined ? undefined : parseTime(options.from, 'from');
    const end = options.to === undefined ? undefined : parseTime(options.to, 'to');
    if (start !== undefined && end !== undefined && !(start < end)) throw new Error(`--from ${options.from} is not before --to ${options.to}`);
    const settings = {
      tickInterval: positive(options['tick-interval'], 'tick-interval', TICK_INTERVAL),
      staleness: positive(options.staleness, 'staleness', STALENESS_SECONDS),
      historySeconds: positive(options['history-seconds'], 'history-seconds', HISTORY_SECONDS),
      start, end, assets,
    };
    const tracker = loadTracker(options.tracker, io.cwd);
    run = () => backtest(tracker, prices, configs, settings);
  } catch (error) {
    io.stderr(`backtest: ${String(error.message).split('\n')[0]}\n`);
    return 2;
  }
  let result;
  try {
    result = run();
  } catch (error) {
    io.stderr(`backtest: ${error.message}\n`);
    return 2;
  }
  if (options.json) {
    const predictions = result.predictions.map((p) => ({
      performed_at: p.performedAt, asset: p.config.asset, horizon: p.config.horizon, step: p.config.step, status: p.status, score: p.score, success: p.success, reason: p.reason,
    }));
    io.stdout(`${JSON.stringify({ predictions, mean_score: result.meanScore, means_by_param: result.meansByParam(), overall_score: result.overallScore })}\n`);
    return 0;
  }
  for (const p of result.predictions) {
    const shown = p.success ? p.score.toPrecision(9) : p.score === null ? `VOID (${p.reason})` : `${p.status}, penalty ${p.score.toPrecision(9)} (${p.reason})`;
    io.stdout(`${iso(p.performedAt)} ${p.config.param} ${shown}\n`);
  }
  const means = result.meansByParam();
  for (const key of Object.keys(means).sort()) io.stdout(`mean ${key} ${means[key].toPrecision(9)}\n`);
  const penalised = result.scored.filter((p) => !p.success).length;
  const fmt = (v) => (v === null ? 'n/a' : v.toPrecision(9));
  io.stdout(
    `mean score ${fmt(result.meanScore)} over ${result.scored.length} predictions (${penalised} penalised, ${result.predictions.length - result.scored.length} void); ` +
      `overall ${fmt(result.overallScore)} over ${Object.keys(means).length} parameter sets (higher is better)\n`,
  );
  return 0;
}

function iso(seconds) {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

module.exports = {
  backtest, referenceConfigs, penaltyScore, PredictionConfig, TickFeed, DensityPdf, checkAnswer, realisedLogReturns, main,
  SUBJECTS, REFERENCE_PREDICTIONS, TICK_INTERVAL, STALENESS_SECONDS, HISTORY_SECONDS, CALL_TIMEOUT_SECONDS, MAX_PREDICTION_BYTES, PENALTY, MAX_COMPONENTS,
};

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
