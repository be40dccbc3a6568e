"""Local backtest of a Synth tracker on a price file, scored as the coordinator scores it.

Feed a price file (the coordinator's ``GET /data/prices`` CSV: ``subject,ts,price``, ts in epoch
seconds) to a tracker: ``tick`` every ``tick_interval`` seconds with the prices it has not seen
(the first tick carries the history window), ``predict_all`` at each instant the coordinator's
round-robin schedule asks for it, then the Synth CRPS (``synth-crps``: crunch-synth's 256-point
grid CRPS of every increment of every step, summed, divided by the asset's T) against the price
differences of the file, each end priced by the nearest observation within ``staleness``
seconds (an increment whose two ends are the same observation is left out, as the game does).

From the command line::

    python3 -m crunch_synth.backtest --prices prices_BTC.csv --tracker my_tracker:MyTracker --profile 1h

From Python::

    from crunch_synth.backtest import backtest, read_price_file, profile_configs
    result = backtest(MyTracker(), read_price_file("prices.csv"), profile_configs("1h", ["BTC"]))
    print(result.mean_score)

numpy is used when installed (fast); without it the same numbers come from pure Python.
"""
import argparse
import csv
import importlib
import json
import math
import sys
from bisect import bisect_left

from .constants import FORECAST_PROFILES, MAX_DISTRIBUTION_COMPONENTS

try:  # pragma: no cover - depends on the environment
    import numpy as _np
except ImportError:  # pragma: no cover
    _np = None

# crunch-synth's half-width T of the CRPS range per asset at the base step (the coordinator's table).
CRPS_HALF_WIDTHS = {
    "BTC": 1500, "SOL": 4, "ETH": 80, "XAUT": 33, "SPYX": 3.2, "NVDAX": 2.3, "TSLAX": 5.9, "AAPLX": 2.1,
    "GOOGLX": 3.4, "SP500": 21, "XRP": 0.04, "HYPE": 1.1, "WTIOIL": 1.2,
}
CRPS_BASE_STEP = 300
CRPS_GRID_POINTS = 256
PRICE_FILE_HEADER = ["subject", "ts", "price"]


class PriceFileError(ValueError):
    """A price file that cannot be read; the message names the line at fault."""


class PredictionConfig:
    """One prediction config as the coordinator's competition file has it (seconds)."""

    def __init__(self, asset, horizon, steps, interval, group=None, order=0):
        self.asset = asset
        self.horizon = int(horizon)
        self.steps = [int(s) for s in steps]
        self.interval = int(interval)
        answered = self.answered_steps
        if not answered:
            raise ValueError("%s: no step up to the horizon %d in %r" % (asset, self.horizon, self.steps))
        self.step = min(answered)  # the parameter-set step: the finest answered one
        self.group = group if group is not None else "%d-%d" % (self.horizon, self.step)
        self.order = order

    @property
    def answered_steps(self):
        """Steps up to the horizon, in the configured order (predict_all skips larger ones)."""
        return [s for s in self.steps if s <= self.horizon]

    def __repr__(self):
        return "PredictionConfig(%s, horizon=%d, steps=%r, every %d s)" % (self.asset, self.horizon, self.steps, self.interval)


def profile_configs(profile, assets):
    """The configs of a FORECAST_PROFILES profile (``"1h"``, ``"24h"``) for these assets, in one group."""
    if profile not in FORECAST_PROFILES:
        raise ValueError("unknown profile %r (known: %s)" % (profile, ", ".join(sorted(FORECAST_PROFILES))))
    p = FORECAST_PROFILES[profile]
    return [PredictionConfig(a, p["horizon"], p["steps"], p["interval"], group=profile, order=i) for i, a in enumerate(assets)]


def read_price_file(path):
    """``{subject: [(ts_seconds, price), ...]}`` sorted by ts, from a ``subject,ts,price`` CSV."""
    prices = {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:3]] != PRICE_FILE_HEADER:
            raise PriceFileError("%s line 1: expected the header subject,ts,price, got %r" % (path, header))
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) < 3:
                raise PriceFileError("%s line %d: expected subject,ts,price, got %r" % (path, line, row))
            try:
                ts, price = float(row[1]), float(row[2])
            except ValueError:
                raise PriceFileError("%s line %d: ts and price must be numbers, got %r" % (path, line, row)) from None
            if not (math.isfinite(ts) and math.isfinite(price)):
                raise PriceFileError("%s line %d: ts and price must be finite, got %r" % (path, line, row))
            prices.setdefault(row[0].strip(), []).append((int(ts) if ts.is_integer() else ts, price))
    for series in prices.values():
        series.sort(key=lambda entry: entry[0])
    return prices


# --- the coordinator's schedule ---------------------------------------------------------------

def round_times(configs, start, end):
    """``[(time_s, config), ...]`` in time order: the round-robin schedule (epoch-aligned, within a
    group config k runs at ``k * interval / n`` past each multiple of its interval), for rounds at
    ``start <= t`` whose horizon ends by ``end``."""
    groups = {}
    for config in configs:
        groups.setdefault(config.group, []).append(config)
    rounds = []
    for members in groups.values():
        members.sort(key=lambda c: (c.order, c.asset, c.horizon, c.step))
        for k, config in enumerate(members):
            every_ms = config.interval * 1000
            offset_ms = (k * every_ms) // len(members)
            first = -(-(int(start * 1000) - offset_ms) // every_ms) * every_ms + offset_ms
            t = first
            while t + config.horizon * 1000 <= end * 1000:
                rounds.append((t / 1000, config))
                t += every_ms
    rounds.sort(key=lambda r: (r[0], r[1].order))
    return rounds


# --- ground truth ---------------------------------------------------------------------------

class PriceSeriesLookup:
    """Nearest observation within a staleness bound, the earlier one on a tie (as the coordinator)."""

    def __init__(self, entries):
        self.times = [e[0] for e in entries]
        self.values = [e[1] for e in entries]

    def nearest(self, ts, max_distance):
        times = self.times
        at = bisect_left(times, ts)
        best, best_distance = -1, math.inf
        if at < len(times):
            best, best_distance = at, times[at] - ts
        if at - 1 >= 0 and ts - times[at - 1] <= best_distance:
            best, best_distance = at - 1, ts - times[at - 1]
        if best < 0 or best_distance > max_distance:
            return None
        return times[best], self.values[best]


def realised_differences(lookup, performed_at, horizon, step, staleness):
    """``(values, same_observation)`` of each increment's price difference, or raises ValueError for a gap."""
    prices, priced_at = [], []
    for k in range(horizon // step + 1):
        at = performed_at + k * step
        found = lookup.nearest(at, staleness)
        if found is None:
            raise ValueError("no observation within %gs of %s (gap in the price file)" % (staleness, at))
        priced_at.append(found[0])
        prices.append(found[1])
    values = [prices[k + 1] - prices[k] for k in range(len(prices) - 1)]
    same = [k for k in range(len(values)) if priced_at[k] == priced_at[k + 1]]
    return values, same


# --- densities (the densitypdf format; only the pdf is needed by the grid CRPS) --------------

def _log_beta(a, b):
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _xlogy(c, z):
    return 0.0 if c == 0 else c * math.log(z)


def _standard_log_pdfs():
    """Standardised log-pdfs of the scipy families, ``f(z, *shapes)``, -inf outside the support."""
    ln2, lnpi, ln_sqrt_2pi = math.log(2), math.log(math.pi), 0.5 * math.log(2 * math.pi)
    ninf = -math.inf
    return {
        "norm": ([], lambda z: -0.5 * z * z - ln_sqrt_2pi),
        "t": (["df"], lambda z, df: math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * (math.log(df) + lnpi) - 0.5 * (df + 1) * math.log1p(z * z / df)),
        "laplace": ([], lambda z: -ln2 - abs(z)),
        "cauchy": ([], lambda z: -lnpi - math.log1p(z * z)),
        "lognorm": (["s"], lambda z, s: -0.5 * (math.log(z) / s) ** 2 - ln_sqrt_2pi - math.log(s) - math.log(z) if z > 0 else ninf),
        "expon": ([], lambda z: -z if z >= 0 else ninf),
        "gamma": (["a"], lambda z, a: _xlogy(a - 1, z) - z - math.lgamma(a) if z >= 0 else ninf),
        "beta": (["a", "b"], lambda z, a, b: _xlogy(a - 1, z) + (0 if b == 1 else (b - 1) * math.log1p(-z)) - _log_beta(a, b) if 0 <= z <= 1 else ninf),
        "weibull_min": (["c"], lambda z, c: math.log(c) + _xlogy(c - 1, z) - z ** c if z >= 0 else ninf),
        "weibull_max": (["c"], lambda z, c: math.log(c) + _xlogy(c - 1, -z) - (-z) ** c if z <= 0 else ninf),
        "chi": (["df"], lambda z, df: (1 - df / 2) * ln2 - math.lgamma(df / 2) + _xlogy(df - 1, z) - 0.5 * z * z if z >= 0 else ninf),
        "chi2": (["df"], lambda z, df: -(df / 2) * ln2 - math.lgamma(df / 2) + _xlogy(df / 2 - 1, z) - 0.5 * z if z >= 0 else ninf),
        "rayleigh": ([], lambda z: math.log(z) - 0.5 * z * z if z > 0 else ninf),
        "pareto": (["b"], lambda z, b: math.log(b) - (b + 1) * math.log(z) if z >= 1 else ninf),
        "f": (["dfn", "dfd"], lambda z, dfn, dfd: (dfn / 2) * math.log(dfn / dfd) - _log_beta(dfn / 2, dfd / 2) + _xlogy(dfn / 2 - 1, z) - ((dfn + dfd) / 2) * math.log1p(dfn / dfd * z) if z >= 0 else ninf),
    }


FAMILIES = _standard_log_pdfs()
# The common families over a whole grid at once (numpy only); the others go point by point.
_NUMPY_LOG_PDFS = {} if _np is None else {
    "norm": lambda z: -0.5 * z * z - 0.5 * math.log(2 * math.pi),
    "t": lambda z, df: math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * (math.log(df) + math.log(math.pi)) - 0.5 * (df + 1) * _np.log1p(z * z / df),
    "laplace": lambda z: -math.log(2) - _np.abs(z),
    "cauchy": lambda z: -math.log(math.pi) - _np.log1p(z * z),
}
MAX_MIXTURE_DEPTH = 3
MAX_MIXTURES = 5


class InvalidDensity(ValueError):
    """A density spec the coordinator would fail the prediction for."""


class Density:
    """A density spec flattened to weighted leaves (mixture weights normalised by their sum, as the coordinator does)."""

    def __init__(self, spec, max_leaves=MAX_DISTRIBUTION_COMPONENTS):
        self.leaves = []  # (weight, family, shapes, loc, scale)
        self._mixtures = 0
        self._max_leaves = max_leaves
        self._add(spec, 0, 1.0)

    def _add(self, node, depth, weight):
        if not isinstance(node, dict):
            raise InvalidDensity("density spec must be an object, got %s" % type(node).__name__)
        kind = node.get("type")
        if kind == "mixture":
            return self._add_mixture(node, depth, weight)
        name = node.get("name")
        if kind in ("scipy", "builtin") and name in FAMILIES:
            shapes, location, scale = FAMILIES[name][0], "loc", "scale"
        elif (kind == "statistics" and name == "normal") or (kind == "builtin" and name == "normal"):
            name, shapes, location, scale = "norm", [], "mu", "sigma"
        else:
            raise InvalidDensity("unknown %s distribution %r" % (kind, name))
        if len(self.leaves) + 1 > self._max_leaves:
            raise InvalidDensity("more than %d leaf distributions" % self._max_leaves)
        params = node.get("params")
        if not isinstance(params, dict):
            raise InvalidDensity("%s: params must be an object" % name)
        expected = set(shapes) | {location, scale}
        for key in list(shapes) + [location, scale]:
            value = params.get(key)
            if key not in params:
                raise InvalidDensity("%s: missing param %s" % (name, key))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise InvalidDensity("%s: param %s must be a finite number" % (name, key))
        unexpected = [k for k in params if k not in expected]
        if unexpected:
            raise InvalidDensity("%s: unexpected param %r" % (name, unexpected[0]))
        if any(params[s] <= 0 for s in shapes):
            raise InvalidDensity("%s: shape parameters must be > 0" % name)
        if params[scale] <= 0:
            raise InvalidDensity("%s: %s must be > 0" % (name, scale))
        self.leaves.append((weight, name, [float(params[s]) for s in shapes], float(params[location]), float(params[scale])))

    def _add_mixture(self, node, depth, weight):
        if depth >= MAX_MIXTURE_DEPTH:
            raise InvalidDensity("mixtures nested deeper than %d" % MAX_MIXTURE_DEPTH)
        self._mixtures += 1
        if self._mixtures > MAX_MIXTURES:
            raise InvalidDensity("more than %d mixtures in one spec" % MAX_MIXTURES)
        components = node.get("components")
        if not isinstance(components, list) or not components:
            raise InvalidDensity("mixture components must be a non-empty array")
        weights = []
        for i, component in enumerate(components):
            w = component.get("weight") if isinstance(component, dict) else None
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
                raise InvalidDensity("mixture weight %d must be a finite number >= 0" % i)
            weights.append(w)
        total = sum(weights)
        if not total > 0:
            raise InvalidDensity("mixture weights are all zero")
        for component, w in zip(components, weights):
            self._add(component.get("density"), depth + 1, weight * (w / total))

    def pdf_on(self, points):
        """The pdf at every grid point (a list, or a numpy array when numpy is installed)."""
        if _np is not None and all(leaf[1] in _NUMPY_LOG_PDFS for leaf in self.leaves):
            out = _np.zeros(len(points))
            for weight, name, shapes, loc, scale in self.leaves:
                if weight > 0:
                    out += (weight / scale) * _np.exp(_NUMPY_LOG_PDFS[name]((points - loc) / scale, *shapes))
            return out
        values = [self._pdf(float(x)) for x in points]
        return _np.array(values) if _np is not None else values

    def _pdf(self, x):
        total = 0.0
        for weight, name, shapes, loc, scale in self.leaves:
            if weight > 0:
                log_pdf = FAMILIES[name][1]((x - loc) / scale, *shapes)
                total += weight * (math.exp(log_pdf) / scale if log_pdf != -math.inf else 0.0)
        return total


# --- crunch-synth's grid CRPS -----------------------------------------------------------------

class CrpsGrid:
    """``numpy.linspace(t_min, t_max, n)`` value for value, and the grid CRPS of a density at x."""

    def __init__(self, t_min, t_max, n=CRPS_GRID_POINTS):
        step = (t_max - t_min) / (n - 1)
        points = [i * step + t_min for i in range(n)]
        points[-1] = t_max
        self.points = _np.array(points) if _np is not None else points
        self.dt = points[1] - points[0]

    def crps(self, density, x):
        pdf = density.pdf_on(self.points)
        if _np is not None:
            cdf = _np.clip(_np.cumsum(pdf) * self.dt, 0.0, 1.0)
            gap = (cdf - (self.points >= x)) ** 2
            return float(_np.sum(_np.diff(self.points) * (gap[1:] + gap[:-1]) / 2))
        running, gaps = 0.0, []
        for p, t in zip(pdf, self.points):
            running += p
            c = min(1.0, max(0.0, running * self.dt))
            gaps.append((c - (1.0 if t >= x else 0.0)) ** 2)
        pts = self.points
        return math.fsum((pts[i] - pts[i - 1]) * (gaps[i] + gaps[i - 1]) / 2 for i in range(1, len(pts)))


class SynthCrps:
    """The coordinator's ``synth-crps`` of one predict_all answer (lower is better)."""

    def __init__(self, half_widths=None, base_step=CRPS_BASE_STEP, points=CRPS_GRID_POINTS):
        self.half_widths = dict(CRPS_HALF_WIDTHS, **(half_widths or {}))
        self.base_step = base_step
        self.points = points
        self._grids = {}

    def score(self, asset, horizon, answer, truths):
        """``truths``: ``{step: (values, same_observation)}``. Returns the score or raises ValueError with the reason."""
        if asset not in self.half_widths:
            raise ValueError("no CRPS half-width T for asset %r" % asset)
        if not isinstance(answer, dict):
            raise ValueError("payload must be an object keyed by step, got %s" % type(answer).__name__)
        t = self.half_widths[asset]
        total = 0.0
        for step, (truth, left_out) in truths.items():
            specs = answer.get(str(step), answer.get(step))
            if specs is None:
                raise ValueError("step %d: missing from the payload" % step)
            if not isinstance(specs, list) or len(specs) != len(truth):
                raise ValueError("step %d: expected %d density specs, got %s" % (step, len(truth), len(specs) if isinstance(specs, list) else type(specs).__name__))
            k_scale = math.sqrt(step / self.base_step) if step > self.base_step else 1
            grid = self._grid(k_scale * t)
            for k, (spec, x) in enumerate(zip(specs, truth)):
                try:
                    density = Density(spec)
                except InvalidDensity as error:
                    raise ValueError("step %d: step %d: %s" % (step, k, error)) from None
                if k in left_out:
                    continue
                total += grid.crps(density, x)
        return total / t

    def _grid(self, half_range):
        grid = self._grids.get(half_range)
        if grid is None:
            grid = self._grids[half_range] = CrpsGrid(-half_range, half_range, self.points)
        return grid


# --- the backtest -----------------------------------------------------------------------------

class ScoredPrediction:
    def __init__(self, performed_at, config, score, reason=None):
        self.performed_at = performed_at
        self.config = config
        self.score = score
        self.reason = reason

    def as_json(self):
        c = self.config
        return {"performed_at": self.performed_at, "asset": c.asset, "horizon": c.horizon, "step": c.step, "score": self.score, "reason": self.reason}


class BacktestResult:
    def __init__(self, predictions):
        self.predictions = predictions

    @property
    def scored(self):
        return [p for p in self.predictions if p.score is not None]

    @property
    def mean_score(self):
        scored = self.scored
        return sum(p.score for p in scored) / len(scored) if scored else None

    def means_by_param(self):
        """``{"BTC-3600-60": mean score}`` over the scored predictions of each parameter set."""
        sums = {}
        for p in self.scored:
            key = "%s-%d-%d" % (p.config.asset, p.config.horizon, p.config.step)
            total, count = sums.get(key, (0.0, 0))
            sums[key] = (total + p.score, count + 1)
        return {key: total / count for key, (total, count) in sums.items()}


def backtest(tracker, prices, configs, tick_interval=60, staleness=120, history_seconds=30 * 86400, start=None, end=None, scorer=None):
    """Runs ``tracker`` over ``prices`` (``{asset: [(ts, price), ...]}``) as the coordinator would, and scores it.

    Ticks fall on multiples of ``tick_interval`` from ``start`` (default: the first price) and
    carry the prices with ts up to the tick not sent before (the first one: the last
    ``history_seconds``). A round at time t follows the tick of t's tick instant.
    """
    scorer = scorer or SynthCrps()
    all_ts = [ts for series in prices.values() for ts, _ in series]
    if not all_ts:
        raise ValueError("the price file holds no prices")
    start = min(all_ts) if start is None else start
    end = max(all_ts) if end is None else end
    lookups = {asset: PriceSeriesLookup(series) for asset, series in prices.items()}
    rounds = round_times(configs, start, end)
    feeder = _TickFeeder(tracker, prices, history_seconds)
    results = []
    tick_at = math.ceil(start / tick_interval) * tick_interval
    for performed_at, config in rounds:
        while tick_at <= performed_at:
            feeder.tick(tick_at)
            tick_at += tick_interval
        results.append(_score_round(tracker, scorer, lookups, config, performed_at, staleness))
    return BacktestResult(results)


class _TickFeeder:
    """What the coordinator's tick loop sends: the history window first, then the prices since the last tick."""

    def __init__(self, tracker, prices, history_seconds):
        self.tracker = tracker
        self.prices = prices
        self.history_seconds = history_seconds
        self.sent_through = None
        self.cursor = {asset: 0 for asset in prices}

    def tick(self, at):
        data = {}
        for asset, series in self.prices.items():
            i = self.cursor[asset]
            if self.sent_through is None:
                while i < len(series) and series[i][0] < at - self.history_seconds:
                    i += 1
            j = i
            while j < len(series) and series[j][0] <= at:
                j += 1
            data[asset] = [[ts, price] for ts, price in series[i:j]]
            self.cursor[asset] = j
        self.sent_through = at
        self.tracker.tick(data)


def _score_round(tracker, scorer, lookups, config, performed_at, staleness):
    try:
        answer = tracker.predict_all(config.asset, config.horizon, config.steps)
    except Exception as error:  # a failing model fails its prediction, as on the coordinator
        return ScoredPrediction(performed_at, config, None, "predict_all raised %s: %s" % (type(error).__name__, error))
    lookup = lookups.get(config.asset)
    if lookup is None:
        return ScoredPrediction(performed_at, config, None, "no prices of %s in the file" % config.asset)
    try:
        # json round trip: the coordinator scores what came over the wire (keys as strings).
        answer = json.loads(json.dumps(answer))
        truths = {s: realised_differences(lookup, performed_at, config.horizon, s, staleness) for s in config.answered_steps}
        return ScoredPrediction(performed_at, config, scorer.score(config.asset, config.horizon, answer, truths))
    except (ValueError, TypeError) as error:
        return ScoredPrediction(performed_at, config, None, str(error))


# --- command line -----------------------------------------------------------------------------

def _load_tracker(spec):
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ValueError("--tracker must be module:ClassName (e.g. my_tracker:MyTracker), got %r" % spec)
    if "." not in sys.path:
        sys.path.insert(0, ".")
    return getattr(importlib.import_module(module_name), class_name)()


def _parse_prediction(text):
    parts = text.split(":")
    if len(parts) not in (4, 5):
        raise ValueError("--prediction must be ASSET:HORIZON:STEP[,STEP...]:INTERVAL[:GROUP], got %r" % text)
    asset, horizon, steps, interval = parts[:4]
    return PredictionConfig(asset, int(horizon), [int(s) for s in steps.split(",")], int(interval), group=parts[4] if len(parts) == 5 else None)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m crunch_synth.backtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--prices", required=True, help="price file: subject,ts,price (GET /data/prices or coordinator-node prices)")
    parser.add_argument("--tracker", required=True, help="module:ClassName of the tracker (the module is imported from the current folder)")
    parser.add_argument("--profile", choices=sorted(FORECAST_PROFILES), help="the game's profile (horizon, steps, interval)")
    parser.add_argument("--assets", help="comma-separated assets of the profile (default: every asset of the file)")
    parser.add_argument("--prediction", action="append", default=[], help="ASSET:HORIZON:STEPS:INTERVAL[:GROUP], repeatable; configs of one group are round-robined")
    parser.add_argument("--tick-interval", type=int, default=60)
    parser.add_argument("--staleness", type=float, default=120, help="seconds between a wanted time and the observation used for it")
    parser.add_argument("--history-days", type=float, default=30)
    parser.add_argument("--json", action="store_true", help="print one JSON object (predictions, means) instead of lines")
    args = parser.parse_args(argv)
    try:
        prices = read_price_file(args.prices)
        configs = [_parse_prediction(p) for p in args.prediction]
        if args.profile:
            assets = args.assets.split(",") if args.assets else sorted(prices)
            configs += profile_configs(args.profile, assets)
        if not configs:
            raise ValueError("say what to predict: --profile 1h|24h or --prediction ASSET:HORIZON:STEPS:INTERVAL")
        tracker = _load_tracker(args.tracker)
    except (OSError, ValueError, ImportError, AttributeError) as error:
        print("backtest: %s" % error, file=sys.stderr)
        return 2
    result = backtest(tracker, prices, configs, args.tick_interval, args.staleness, args.history_days * 86400)
    if args.json:
        print(json.dumps({"predictions": [p.as_json() for p in result.predictions], "mean_score": result.mean_score, "means_by_param": result.means_by_param()}))
        return 0
    for p in result.predictions:
        c = p.config
        shown = "%.9g" % p.score if p.score is not None else "FAILED (%s)" % p.reason
        print("%s %s-%d-%d %s" % (_iso(p.performed_at), c.asset, c.horizon, c.step, shown))
    for key, mean in sorted(result.means_by_param().items()):
        print("mean %s %.9g" % (key, mean))
    failed = len(result.predictions) - len(result.scored)
    mean = result.mean_score
    print("mean score %s over %d predictions (%d failed; lower is better)" % ("%.9g" % mean if mean is not None else "n/a", len(result.scored), failed))
    return 0


def _iso(ts):
    import datetime
    return datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    sys.exit(main())
