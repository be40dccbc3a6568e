"""Price history of the Synth game's trackers (local-orchestrator stand-in of ``crunch_synth.prices``).

Per asset a sorted map timestamp -> price: adding a timestamp that exists overwrites it (the last
value of a batch wins), and points older than ``window_days`` before the asset's newest point are
dropped on insert. Standard library only.

    store = PriceStore()
    store.add_bulk({"BTC": [[1700000000, 50000.0], [1700000060, 50010.5]]})
    store.get_last_price("BTC")                 # (1700000060, 50010.5)
    store.get_prices("BTC", days=1, resolution=300)
"""
from bisect import bisect_left
import math

SECONDS_PER_DAY = 86400

Asset = str
PriceEntry = tuple  # (timestamp seconds, price)
PriceData = dict  # {asset: [(timestamp, price), ...]}


_NUMBER_TYPES = (int, float)


def _number(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("%s must be a number, got %r" % (what, value))
    return value


class PriceSeries:
    """One asset's points, sorted by timestamp; reads like a read-only mapping."""

    def __init__(self):
        self._timestamps = []
        self._prices = []

    def put(self, timestamp, price):
        timestamps = self._timestamps
        if not timestamps or timestamp > timestamps[-1]:
            timestamps.append(timestamp)
            self._prices.append(price)
            return
        index = bisect_left(timestamps, timestamp)
        if index < len(timestamps) and timestamps[index] == timestamp:
            self._prices[index] = price
        else:
            timestamps.insert(index, timestamp)
            self._prices.insert(index, price)

    def drop_before(self, cutoff):
        index = bisect_left(self._timestamps, cutoff)
        if index:
            del self._timestamps[:index]
            del self._prices[:index]

    def index_at_or_after(self, timestamp):
        return bisect_left(self._timestamps, timestamp)

    def entry(self, index):
        return self._timestamps[index], self._prices[index]

    @property
    def last_timestamp(self):
        return self._timestamps[-1] if self._timestamps else None

    def keys(self):
        return list(self._timestamps)

    def items(self):
        return list(zip(self._timestamps, self._prices))

    def __getitem__(self, timestamp):
        index = bisect_left(self._timestamps, timestamp)
        if index == len(self._timestamps) or self._timestamps[index] != timestamp:
            raise KeyError(timestamp)
        return self._prices[index]

    def __contains__(self, timestamp):
        try:
            self[timestamp]
            return True
        except KeyError:
            return False

    def __iter__(self):
        return iter(list(self._timestamps))

    def __len__(self):
        return len(self._timestamps)


class PriceStore:
    """Recent prices of several assets, with the accessors trackers use (see the module doc)."""

    def __init__(self, window_days=30):
        _number(window_days, "window_days")
        if window_days <= 0:
            raise ValueError("window_days must be positive, got %r" % (window_days,))
        self.window_days = window_days
        self.data = {}

    def add_price(self, asset, price, timestamp):
        self.add_prices(asset, [(timestamp, price)])

    def add_prices(self, asset, entries):
        """Inserts or overwrites ``[(timestamp, price), ...]`` of one asset, in any order."""
        if not isinstance(asset, str):
            raise ValueError("asset must be a string, got %r" % (asset,))
        if not entries:
            return
        checked = []
        for position, entry in enumerate(entries):
            try:
                timestamp, price = entry
            except (TypeError, ValueError):
                raise ValueError("%s entry %d must be a [timestamp, price] pair, got %r" % (asset, position, entry)) from None
            # Checked inline: the first tick carries 30 days of minutes for every asset.
            if type(timestamp) not in _NUMBER_TYPES or type(price) not in _NUMBER_TYPES or not math.isfinite(timestamp):
                _number(timestamp, "%s entry %d timestamp" % (asset, position))
                _number(price, "%s entry %d price" % (asset, position))
                if not math.isfinite(timestamp):
                    raise ValueError("%s entry %d timestamp must be finite, got %r" % (asset, position, timestamp))
            checked.append((timestamp, price))
        series = self.data.get(asset)
        if series is None:
            series = self.data[asset] = PriceSeries()
        for timestamp, price in checked:
            series.put(timestamp, price)
        series.drop_before(series.last_timestamp - self.window_days * SECONDS_PER_DAY)

    def add_bulk(self, data):
        """Adds ``{asset: [(timestamp, price), ...], ...}``: what ``tick(data)`` receives."""
        if not isinstance(data, dict):
            raise ValueError("price data must be a mapping of asset to [timestamp, price] pairs, got %s" % type(data).__name__)
        for asset, entries in data.items():
            if not isinstance(entries, (list, tuple)):
                raise ValueError("%s prices must be a list of [timestamp, price] pairs, got %s" % (asset, type(entries).__name__))
            self.add_prices(asset, entries)

    @property
    def last_timestamp(self):
        """The newest timestamp over all assets, or None without data."""
        newest = [series.last_timestamp for series in self.data.values() if len(series)]
        return max(newest) if newest else None

    def get_prices(self, asset, days=None, resolution=60):
        """Points of the last ``days`` days (all when None), at least ``resolution`` seconds apart, oldest first."""
        series = self.data.get(asset)
        if not series:
            return []
        _number(resolution, "resolution")
        start = 0
        if days is not None:
            _number(days, "days")
            start = series.index_at_or_after(series.last_timestamp - days * SECONDS_PER_DAY)
        result = []
        next_allowed = None
        for index in range(start, len(series)):
            timestamp, price = series.entry(index)
            if next_allowed is None or timestamp >= next_allowed:
                result.append((timestamp, price))
                next_allowed = timestamp + resolution
        return result

    def get_last_price(self, asset):
        """``(timestamp, price)`` of the newest point, or None without data."""
        series = self.data.get(asset)
        if not series:
            return None
        return series.entry(len(series) - 1)

    def get_closest_price(self, asset, timestamp):
        """The point nearest ``timestamp`` (the earlier one on a tie; the first/last one outside the range), or None."""
        series = self.data.get(asset)
        if not series:
            return None
        _number(timestamp, "timestamp")
        index = series.index_at_or_after(timestamp)
        if index == 0:
            return series.entry(0)
        if index == len(series):
            return series.entry(len(series) - 1)
        before, after = series.entry(index - 1), series.entry(index)
        return before if timestamp - before[0] <= after[0] - timestamp else after
