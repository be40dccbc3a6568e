"""Local backtest of a condorgame tracker on a price file, scored as the coordinator scores it.

Feeds a price file (``GET /data/prices``, ``coordinator-node prices`` or a replay's ``prices.csv``;
see ``condorgame.price_file``) to a tracker the way the coordinator's tick loop does: a tick at
every multiple of ``tick_interval`` that has new prices, the first one carrying the history window
(``history_seconds`` behind each subject's newest price), later ones only the prices newer than
the newest price already sent (a failed tick is sent again). At each instant of the reference
competition's round-robin schedule (``competitions/condorgame.yaml``: daily 86400/300 every hour
and hourly 3600/60 every 12 minutes, one asset every ``interval / 4``) it asks
``predict(asset, horizon, step)``, and scores the answer with ``density-pdf``: the mean over steps
of the pdf of spec k at the log-return of step k, each end priced by the nearest price within
``staleness`` seconds (the earlier one on a tie). Higher is better.

An answer the coordinator would not score (predict raised, timed out, not ``horizon / step``
density objects, a bad spec, a non-finite pdf; or no successful history tick yet: ABSENT) gets
the competition's penalty score: ``batch-min`` capped at 0, which with one model in the round is
0. A round with a gap in the prices is void: no score, left out of the means (as on the coordinator).

From the command line::

    PYTHONPATH=deployment/packages/python python3 -m condorgame.backtest \\
      --prices prices.csv --tracker my_tracker.py --from 2026-01-09T00:00:00Z --to 2026-01-10T00:00:00Z

From Python::

    from condorgame.backtest import backtest, reference_configs
    from condorgame.price_file import read_price_file
    result = backtest(MyTracker(), read_price_file("prices.csv"), reference_configs())
    print(result.mean_score, result.means_by_param())
"""
import argparse
import datetime
import importlib
import importlib.util
import inspect
import json
import math
import os
import re
import sys
import time
from bisect import bisect_left, bisect_right

# The pieces that are the same in both games come from the Synth package beside this one: the
# densitypdf spec parser and pdf (with this scorer's 16-leaf limit), the nearest-price lookup and
# the round-robin schedule. (condorgame.tracker already borrows its predict_all the same way.)
from crunch_synth.backtest import BacktestResult as SynthBacktestResult, Density, InvalidDensity, PriceSeriesLookup, round_times

from .price_file import PriceFileError, read_price_file

# competitions/condorgame.yaml (test/data/condorgame-backtest.spec.ts keeps these equal to it).
SUBJECTS = ("BTC", "ETH", "SOL", "XAU")
REFERENCE_PREDICTIONS = (
    # asset, horizon, step, interval, group, order
    ("BTC", 86400, 300, 3600, "daily", 0), ("ETH", 86400, 300, 3600, "daily", 1),
    ("SOL", 86400, 300, 3600, "daily", 2), ("XAU", 86400, 300, 3600, "daily", 3),
    ("BTC", 3600, 60, 720, "hourly", 0), ("ETH", 3600, 60, 720, "hourly", 1),
    ("SOL", 3600, 60, 720, "hourly", 2), ("XAU", 3600, 60, 720, "hourly", 3),
)
TICK_INTERVAL = 60
STALENESS_SECONDS = 120
HISTORY_SECONDS = 691200
CALL_TIMEOUT_SECONDS = 60
MAX_PREDICTION_BYTES = 2000000
PENALTY = {"policy": "batch-min", "cap": 0}
# density-pdf's default maxComponents: leaf distributions per spec, nested mixtures counted by leaves.
MAX_COMPONENTS = 16


class PredictionConfig:
    """One prediction config of the competition file (seconds); configs of a group are round-robined."""

    def __init__(self, asset, horizon, step, interval, group=None, order=0):
        for name, value in (("horizon", horizon), ("step", step), ("interval", interval)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError("%s: %s must be a positive integer of seconds, got %r" % (asset, name, value))
        if horizon % step:
            raise ValueError("%s: horizon %d is not a multiple of step %d" % (asset, horizon, step))
        self.asset = asset
        self.horizon = horizon
        self.step = step
        self.interval = interval
        self.group = group if group is not None else "%d-%d" % (horizon, step)
        self.order = order

    @property
    def param(self):
        """The parameter set, as the coordinator names it: ``BTC-3600-60``."""
        return "%s-%d-%d" % (self.asset, self.horizon, self.step)

    def __repr__(self):
        return "PredictionConfig(%s, every %d s, group %s)" % (self.param, self.interval, self.group)


def reference_configs(groups=None):
    """The reference competition's configs (``groups``: a subset of ``daily``, ``hourly``; default both)."""
    known = sorted({p[4] for p in REFERENCE_PREDICTIONS})
    for group in groups or ():
        if group not in known:
            raise ValueError("unknown group %r (the reference competition has %s)" % (group, ", ".join(known)))
    return [PredictionConfig(*p) for p in REFERENCE_PREDICTIONS if not groups or p[4] in groups]


def penalty_score(policy, successful_scores, direction="higher"):
    """The score of a prediction that could not be scored, from its round's successful scores
    (the coordinator's ``penaltyScore``): ``batch-min`` the worst, bounded by ``cap``; ``fixed``
    its ``value``; ``percentile`` the p-th from the best end (linear). None: no score.

    >>> penalty_score({"policy": "batch-min", "cap": 0}, [0.8, 1.2])
    0
    """
    kind = policy.get("policy")
    if kind == "fixed":
        return policy["value"]
    if kind == "batch-min":
        cap = policy.get("cap")
        worst = None if not successful_scores else (min(successful_scores) if direction == "higher" else max(successful_scores))
        if cap is None:
            return worst
        if worst is None:
            return cap
        return min(worst, cap) if direction == "higher" else max(worst, cap)
    if kind == "percentile":
        if not successful_scores:
            return None
        ascending = sorted(successful_scores)
        p = policy["percentile"] if direction == "lower" else 100 - policy["percentile"]
        position = min(100, max(0, p)) / 100 * (len(ascending) - 1)
        below = math.floor(position)
        above = min(len(ascending) - 1, below + 1)
        return ascending[below] + (ascending[above] - ascending[below]) * (position - below)
    raise ValueError("unknown penalty policy %r" % kind)


# --- what the tracker receives ----------------------------------------------------------------

def _wire(value):
    """A number as the tracker gets it over the wire: the coordinator's JSON writes 60000.0 as 60000."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53 else value


class TickFeed:
    """The coordinator's tick loop for one model: the history window first, then the prices newer
    than the newest one sent; nothing is sent when nothing is new; a failed tick is sent again."""

    def __init__(self, prices, history_seconds=HISTORY_SECONDS):
        ordered = [s for s in SUBJECTS if s in prices] + sorted(s for s in prices if s not in SUBJECTS)
        self.series = [(s, [e[0] for e in prices[s]], prices[s]) for s in ordered]
        self.history_seconds = history_seconds
        self.sent_through = None  # the newest ts sent by a successful tick; None: no history yet

    @property
    def has_history(self):
        return self.sent_through is not None

    def payload(self, at):
        """``(data, newest_ts)`` of the tick of instant ``at``, or None when the model is up to date."""
        data, through = {}, None
        for subject, times, entries in self.series:
            end = bisect_right(times, at)
            if end == 0:
                data[subject] = []
                continue
            newest = times[end - 1]
            through = newest if through is None else max(through, newest)
            begin = bisect_left(times, newest - self.history_seconds) if self.sent_through is None else bisect_right(times, self.sent_through)
            data[subject] = [[_wire(ts), _wire(price)] for ts, price in entries[begin:end]]
        if through is None or (self.sent_through is not None and self.sent_through >= through):
            return None
        sent = [points[-1][0] for points in data.values() if points]
        return data, max(sent) if sent else through

    def tick(self, tracker, at, timeout=CALL_TIMEOUT_SECONDS):
        planned = self.payload(at)
        if planned is None:
            return
        data, newest = planned
        started = time.monotonic()
        try:
            tracker.tick(data)
        except Exception:  # a failing tick is counted on the coordinator, never fatal; it is resent
            return
        if time.monotonic() - started <= timeout:
            self.sent_through = newest


# --- ground truth and the density-pdf score ---------------------------------------------------

def realised_log_returns(lookup, performed_at, horizon, step, staleness):
    """``ln p(t0 + (k+1) step) - ln p(t0 + k step)`` for each step, or raises ValueError for a gap."""
    prices = []
    for k in range(horizon // step + 1):
        at = performed_at + k * step
        found = lookup.nearest(at, staleness)
        if found is None:
            raise ValueError("no observation within %gs of %s (gap in the price file)" % (staleness, _iso(at)))
        prices.append(found[1])
    return [math.log(prices[k + 1]) - math.log(prices[k]) for k in range(len(prices) - 1)]


class DensityPdf:
    """The coordinator's ``density-pdf``: mean over steps of ``pdf_k(x_k)``; raises ValueError with the reason."""

    direction = "higher"

    def __init__(self, max_components=MAX_COMPONENTS):
        self.max_components = max_components

    def score(self, payload, truth):
        if not isinstance(payload, list):
            raise ValueError("payload must be an array of %d entries, got %s" % (len(truth), type(payload).__name__))
        if len(payload) != len(truth):
            raise ValueError("payload has %d entries, expected %d" % (len(payload), len(truth)))
        total = 0.0
        for k, (spec, x) in enumerate(zip(payload, truth)):
            try:
                density = Density(spec, max_leaves=self.max_components)
            except InvalidDensity as error:
                raise ValueError("step %d: %s" % (k, error)) from None
            p = density._pdf(x)  # the point evaluation behind pdf_on, without a grid
            if not math.isfinite(p):
                raise ValueError("step %d: density is not finite at the observation" % k)
            total += p
        return total / len(truth)


def check_answer(answer, count, max_bytes=MAX_PREDICTION_BYTES):
    """The answer as stored (a JSON round trip), or raises ValueError as the coordinator fails it."""
    try:
        text = json.dumps(answer, allow_nan=True)
    except (TypeError, ValueError) as error:
        raise ValueError("answer is not JSON (%s)" % error) from None
    value = json.loads(text)
    if not isinstance(value, list) or len(value) != count or not all(isinstance(item, dict) for item in value):
        raise ValueError("expected an array of %d density objects" % count)
    if any(token in text for token in ("NaN", "Infinity")) and _has_non_finite(value):
        raise ValueError("non-finite number in the answer (not storable as JSON)")
    if len(text.encode("utf-8")) > max_bytes:
        raise ValueError("payload is above the %d-byte limit" % max_bytes)
    return value


def _has_non_finite(value):
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    return False


# --- the backtest -----------------------------------------------------------------------------

class ScoredPrediction:
    """One round: ``status`` SUCCESS/FAILED/TIMEOUT/ABSENT; ``score`` the density-pdf or the penalty, None when void."""

    def __init__(self, performed_at, config, status, score, success, reason=None):
        self.performed_at = performed_at
        self.config = config
        self.status = status
        self.score = score
        self.success = success
        self.reason = reason

    def as_json(self):
        c = self.config
        return {"performed_at": self.performed_at, "asset": c.asset, "horizon": c.horizon, "step": c.step, "status": self.status,
                "score": self.score, "success": self.success, "reason": self.reason}


class BacktestResult(SynthBacktestResult):
    """The Synth helper's result (scored predictions, their mean, the means per parameter set, penalties
    included: a condorgame prediction's ``config`` names its parameter set the same way), and the
    leaderboard's combination of them."""

    @property
    def overall_score(self):
        """Mean over parameter sets of their means: how the leaderboard combines them."""
        means = self.means_by_param()
        return sum(means.values()) / len(means) if means else None


def backtest(tracker, prices, configs, tick_interval=TICK_INTERVAL, staleness=STALENESS_SECONDS, history_seconds=HISTORY_SECONDS,
             start=None, end=None, assets=None, penalty=None, call_timeout=CALL_TIMEOUT_SECONDS, scorer=None):
    """Runs ``tracker`` over ``prices`` (``{asset: [(ts, price), ...]}``) as the coordinator would, and scores it.

    Rounds at ``start <= t`` whose horizon ends by ``end`` (default: the first and the last price);
    prices after ``end`` are not used (a replay to ``end`` never reveals them). ``assets`` keeps
    the rounds of those assets only, at the times the whole group gives them.
    """
    scorer = scorer or DensityPdf()
    penalty = PENALTY if penalty is None else penalty
    all_ts = [ts for series in prices.values() for ts, _ in series]
    if not all_ts:
        raise ValueError("the price file holds no prices")
    start = min(all_ts) if start is None else start
    end = max(all_ts) if end is None else end
    if not start < end:
        raise ValueError("the start %s is not before the end %s" % (_iso(start), _iso(end)))
    visible = {asset: [e for e in series if e[0] <= end] for asset, series in prices.items()}
    lookups = {asset: PriceSeriesLookup(series) for asset, series in visible.items() if series}
    feed = TickFeed(visible, history_seconds)
    rounds = [(t, c) for t, c in round_times(configs, start, end) if assets is None or c.asset in assets]
    results = []
    tick_at = math.ceil(start / tick_interval) * tick_interval
    for performed_at, config in rounds:
        while tick_at <= performed_at:  # a round waits for the tick of its own instant
            feed.tick(tracker, tick_at, call_timeout)
            tick_at += tick_interval
        results.append(_score_round(tracker, feed, scorer, penalty, lookups, config, performed_at, staleness, call_timeout))
    return BacktestResult(results)


def _score_round(tracker, feed, scorer, penalty, lookups, config, performed_at, staleness, call_timeout):
    status, answer, reason = _ask(tracker, feed, config, call_timeout)
    lookup = lookups.get(config.asset)
    try:
        if lookup is None:
            raise ValueError("no prices of %s in the file" % config.asset)
        truth = realised_log_returns(lookup, performed_at, config.horizon, config.step, staleness)
    except ValueError as error:  # a void round: nobody could be right or wrong
        return ScoredPrediction(performed_at, config, status, None, False, str(error))
    if status == "SUCCESS":
        try:
            return ScoredPrediction(performed_at, config, status, scorer.score(answer, truth), True)
        except (ValueError, TypeError, OverflowError) as error:
            reason = str(error)
    # One model in the round: no successful score beside this one.
    return ScoredPrediction(performed_at, config, status, penalty_score(penalty, [], scorer.direction), False, reason)


def _ask(tracker, feed, config, call_timeout):
    """``(status, stored answer, reason)`` of one predict call, as the coordinator records it."""
    if not feed.has_history:
        return "ABSENT", None, "no history yet"
    started = time.monotonic()
    try:
        answer = tracker.predict(config.asset, config.horizon, config.step)
    except Exception as error:  # a failing model fails its prediction, as on the coordinator
        return "FAILED", None, "predict raised %s: %s" % (type(error).__name__, error)
    if time.monotonic() - started > call_timeout:
        return "TIMEOUT", None, "predict took more than %gs" % call_timeout
    try:
        return "SUCCESS", check_answer(answer, config.horizon // config.step), None
    except ValueError as error:
        return "FAILED", None, str(error)


# --- command line -----------------------------------------------------------------------------

def load_tracker(spec):
    """An instance of the tracker named by ``file.py[:Class]`` or ``module[:Class]`` (without a class:
    the first strict subclass of condorgame.tracker.TrackerBase in it, as the model server picks)."""
    target, _, class_name = spec.partition(":")
    if not target:
        raise ValueError("--tracker must be FILE.py[:ClassName] or MODULE[:ClassName], got %r" % spec)
    if target.endswith(".py") or os.sep in target:
        path = os.path.abspath(target)
        if not os.path.isfile(path):
            raise ValueError("--tracker: no file %s" % path)
        sys.path.insert(0, os.path.dirname(path))  # the submission's own imports, as in its container
        module_spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    else:
        if "." not in sys.path:
            sys.path.insert(0, ".")
        module = importlib.import_module(target)
    if class_name:
        tracker_class = getattr(module, class_name, None)
        if not inspect.isclass(tracker_class):
            raise ValueError("--tracker: %s has no class %s" % (target, class_name))
    else:
        from .tracker import TrackerBase
        found = [c for _, c in inspect.getmembers(module, inspect.isclass) if issubclass(c, TrackerBase) and c is not TrackerBase and c.__module__ == module.__name__]
        if not found:
            raise ValueError("--tracker: %s defines no subclass of condorgame.tracker.TrackerBase (name one: %s:ClassName)" % (target, target))
        tracker_class = found[0]
    return tracker_class()


def parse_time(text, flag):
    """Epoch seconds from unix seconds or ISO 8601 with a zone (``2026-01-01T00:00:00Z``)."""
    try:
        if text.replace(".", "", 1).isdigit():
            return float(text)
        if re.search(r"(Z|[+-]\d{2}:?\d{2})$", text):  # a time without a zone would be the machine's
            return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        pass
    raise ValueError("%s must be unix seconds or ISO 8601 with a zone (2026-01-01T00:00:00Z), got %r" % (flag, text))


def parse_prediction(text):
    parts = text.split(":")
    if len(parts) not in (4, 5):
        raise ValueError("--prediction must be ASSET:HORIZON:STEP:INTERVAL[:GROUP], got %r" % text)
    try:
        horizon, step, interval = (int(p) for p in parts[1:4])
    except ValueError:
        raise ValueError("--prediction %r: horizon, step and interval must be integers of seconds" % text) from None
    return PredictionConfig(parts[0], horizon, step, interval, group=parts[4] if len(parts) == 5 else None)


def _positive(text):
    value = float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError("must be a positive number, got %r" % text)
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit code 2, like every coordinator command
        raise ValueError(message)


def _arguments():
    parser = _Parser(prog="python3 -m condorgame.backtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--prices", required=True, help=".csv or .parquet price file (GET /data/prices, coordinator-node prices, a replay's prices.csv)")
    parser.add_argument("--tracker", required=True, help="FILE.py[:ClassName] or MODULE[:ClassName] (default: its TrackerBase subclass)")
    parser.add_argument("--from", dest="start", help="first round time, ISO 8601 or unix seconds (default: the first price)")
    parser.add_argument("--to", dest="end", help="end of the range: rounds whose horizon ends by it (default: the last price)")
    parser.add_argument("--group", action="append", choices=sorted({p[4] for p in REFERENCE_PREDICTIONS}), help="only this group of the competition (repeatable)")
    parser.add_argument("--assets", help="comma-separated assets to keep (their rounds stay where the whole group puts them)")
    parser.add_argument("--prediction", action="append", default=[], help="ASSET:HORIZON:STEP:INTERVAL[:GROUP] instead of the competition's configs (repeatable)")
    parser.add_argument("--tick-interval", type=_positive, default=TICK_INTERVAL)
    parser.add_argument("--staleness", type=_positive, default=STALENESS_SECONDS, help="seconds between a wanted time and the price used for it")
    parser.add_argument("--history-seconds", type=_positive, default=HISTORY_SECONDS, help="the first tick's window")
    parser.add_argument("--json", action="store_true", help="print one JSON object (predictions, means) instead of lines")
    return parser


def main(argv=None, stdout=None, stderr=None):
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _arguments().parse_args(argv)
        prices = read_price_file(args.prices)
        configs = [parse_prediction(p) for p in args.prediction] if args.prediction else reference_configs(args.group)
        if args.prediction and args.group:
            raise ValueError("--group selects among the competition's configs: not with --prediction")
        assets = None
        if args.assets:
            assets = [a.strip() for a in args.assets.split(",") if a.strip()]
            unknown = [a for a in assets if a not in {c.asset for c in configs}]
            if unknown or not assets:
                raise ValueError("--assets: %s not among the configs' assets (%s)" % (", ".join(unknown) or "none given", ", ".join(sorted({c.asset for c in configs}))))
        start = parse_time(args.start, "--from") if args.start else None
        end = parse_time(args.end, "--to") if args.end else None
        if start is not None and end is not None and not start < end:
            raise ValueError("--from %s is not before --to %s" % (args.start, args.end))
        tracker = load_tracker(args.tracker)
    except SystemExit as exit_request:  # --help
        return exit_request.code or 0
    except (OSError, ValueError, ImportError, SyntaxError, argparse.ArgumentTypeError) as error:
        print("backtest: %s" % str(error).split("\n")[0], file=stderr)
        return 2
    try:
        result = backtest(tracker, prices, configs, args.tick_interval, args.staleness, args.history_seconds, start, end, assets)
    except ValueError as error:
        print("backtest: %s" % error, file=stderr)
        return 2
    if args.json:
        print(json.dumps({"predictions": [p.as_json() for p in result.predictions], "mean_score": result.mean_score,
                          "means_by_param": result.means_by_param(), "overall_score": result.overall_score}), file=stdout)
        return 0
    for p in result.predictions:
        if p.success:
            shown = "%.9g" % p.score
        elif p.score is None:
            shown = "VOID (%s)" % p.reason
        else:
            shown = "%s, penalty %.9g (%s)" % (p.status, p.score, p.reason)
        print("%s %s %s" % (_iso(p.performed_at), p.config.param, shown), file=stdout)
    for key, mean in sorted(result.means_by_param().items()):
        print("mean %s %.9g" % (key, mean), file=stdout)
    penalised = sum(1 for p in result.scored if not p.success)
    mean, overall = result.mean_score, result.overall_score
    print("mean score %s over %d predictions (%d penalised, %d void); overall %s over %d parameter sets (higher is better)" % (
        "%.9g" % mean if mean is not None else "n/a", len(result.scored), penalised, len(result.predictions) - len(result.scored),
        "%.9g" % overall if overall is not None else "n/a", len(result.means_by_param())), file=stdout)
    return 0


def _iso(ts):
    return datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    sys.exit(main())
