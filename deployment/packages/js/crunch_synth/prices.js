'use strict';
/**
 * Price history of Synth trackers: the JavaScript counterpart of Python's `crunch_synth.prices`,
 * with the same method names. Per asset a sorted map timestamp -> price: adding a timestamp that
 * exists overwrites it (the last value of a batch wins); points older than `windowDays` before the
 * asset's newest point are dropped on insert. Points are `[timestamp, price]` arrays.
 *
 * @example
 *   const store = new PriceStore();
 *   store.add_bulk({ BTC: [[1700000000, 50000], [1700000060, 50010.5]] });
 *   store.get_last_price('BTC');               // [1700000060, 50010.5]
 *   store.get_prices('BTC', 1, 300);           // last day, at least 300 s apart
 */
const SECONDS_PER_DAY = 86400;

function checkNumber(value, what) {
  if (typeof value !== 'number') {
    throw new TypeError(`${what} must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** First index whose timestamp is >= `timestamp`. */
function lowerBound(timestamps, timestamp) {
  let low = 0;
  let high = timestamps.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (timestamps[middle] < timestamp) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** One asset's points, sorted by timestamp. */
class PriceSeries {
  constructor() {
    this.timestamps = [];
    this.prices = [];
  }

  get size() {
    return this.timestamps.length;
  }

  get lastTimestamp() {
    return this.timestamps.length ? this.timestamps[this.timestamps.length - 1] : null;
  }

  put(timestamp, price) {
    const { timestamps, prices } = this;
    if (!timestamps.length || timestamp > timestamps[timestamps.length - 1]) {
      timestamps.push(timestamp);
      prices.push(price);
      return;
    }
    const index = lowerBound(timestamps, timestamp);
    if (timestamps[index] === timestamp) prices[index] = price;
    else {
      timestamps.splice(index, 0, timestamp);
      prices.splice(index, 0, price);
    }
  }

  dropBefore(cutoff) {
    const index = lowerBound(this.timestamps, cutoff);
    if (index > 0) {
      this.timestamps.splice(0, index);
      this.prices.splice(0, index);
    }
  }

  indexAtOrAfter(timestamp) {
    return lowerBound(this.timestamps, timestamp);
  }

  entry(index) {
    return [this.timestamps[index], this.prices[index]];
  }

  keys() {
    return this.timestamps.slice();
  }
}

class PriceStore {
  constructor(windowDays = 30) {
    if (typeof windowDays !== 'number' || !(windowDays > 0)) throw new TypeError(`windowDays must be a positive number, got ${windowDays}`);
    this.window_days = windowDays;
    /** @type {Record<string, PriceSeries>} */
    this.data = {};
  }

  add_price(asset, price, timestamp) {
    this.add_prices(asset, [[timestamp, price]]);
  }

  /** Inserts or overwrites `[[timestamp, price], ...]` of one asset, in any order. */
  add_prices(asset, entries) {
    if (typeof asset !== 'string') throw new TypeError(`asset must be a string, got ${JSON.stringify(asset)}`);
    if (!entries || entries.length === 0) return;
    const checked = entries.map((entry, position) => {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new TypeError(`${asset} entry ${position} must be a [timestamp, price] pair, got ${JSON.stringify(entry)}`);
      }
      // Checked inline (messages built only on failure): the first tick carries 30 days of minutes per asset.
      const [timestamp, price] = entry;
      if (!Number.isFinite(timestamp) || typeof price !== 'number') {
        checkNumber(timestamp, `${asset} entry ${position} timestamp`);
        checkNumber(price, `${asset} entry ${position} price`);
        throw new TypeError(`${asset} entry ${position} timestamp must be finite, got ${timestamp}`);
      }
      return [timestamp, price];
    });
    const series = this.data[asset] || (this.data[asset] = new PriceSeries());
    for (const [timestamp, price] of checked) series.put(timestamp, price);
    series.dropBefore(series.lastTimestamp - this.window_days * SECONDS_PER_DAY);
  }

  /** Adds `{asset: [[timestamp, price], ...], ...}`: what `tick(data)` receives. */
  add_bulk(data) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new TypeError('price data must be an object of asset to [timestamp, price] pairs');
    }
    for (const [asset, entries] of Object.entries(data)) {
      if (!Array.isArray(entries)) throw new TypeError(`${asset} prices must be a list of [timestamp, price] pairs`);
      this.add_prices(asset, entries);
    }
  }

  /** The newest timestamp over all assets, or null without data. */
  get last_timestamp() {
    const newest = Object.values(this.data)
      .filter((series) => series.size)
      .map((series) => series.lastTimestamp);
    return newest.length ? Math.max(...newest) : null;
  }

  /** Points of the last `days` days (all when null/undefined), at least `resolution` seconds apart (0: every point), oldest first. */
  get_prices(asset, days = null, resolution = 60) {
    const series = this.data[asset];
    if (!series || !series.size) return [];
    const start = days === null || days === undefined ? 0 : series.indexAtOrAfter(series.lastTimestamp - checkNumber(days, 'days') * SECONDS_PER_DAY);
    checkNumber(resolution, 'resolution');
    const result = [];
    let nextAllowed = null;
    for (let index = start; index < series.size; index++) {
      const timestamp = series.timestamps[index];
      if (nextAllowed === null || timestamp >= nextAllowed) {
        result.push(series.entry(index));
        nextAllowed = timestamp + resolution;
      }
    }
    return result;
  }

  /** `[timestamp, price]` of the newest point, or null without data. */
  get_last_price(asset) {
    const series = this.data[asset];
    return series && series.size ? series.entry(series.size - 1) : null;
  }

  /** The point nearest `timestamp` (the earlier one on a tie; the first/last one outside the range), or null. */
  get_closest_price(asset, timestamp) {
    const series = this.data[asset];
    if (!series || !series.size) return null;
    checkNumber(timestamp, 'timestamp');
    const index = series.indexAtOrAfter(timestamp);
    if (index === 0) return series.entry(0);
    if (index === series.size) return series.entry(series.size - 1);
    const before = series.entry(index - 1);
    const after = series.entry(index);
    return timestamp - before[0] <= after[0] - timestamp ? before : after;
  }
}

module.exports = { PriceStore, PriceSeries };
