"""Participant interface of the Synth game (local-orchestrator stand-in of ``crunch_synth.tracker``).

Setup class name: ``crunch_synth.tracker.TrackerBase``. A submission defines one subclass and
writes ``predict`` (or routes it to sub-trackers with ``track``)::

    from crunch_synth.tracker import TrackerBase

    class MyTracker(TrackerBase):
        def predict(self, asset, horizon, step):
            last = self.prices.get_last_price(asset)      # filled by the base class's tick
            return [{"type": "builtin", "name": "norm", "params": {"loc": 0, "scale": 1.0}}] * (horizon // step)

The coordinator calls ``tick(data)`` with new prices and ``predict_all(asset, horizon, steps)``,
which answers ``{step: [density, ...]}`` (keys become strings on the wire).
"""
import abc

from .prices import PriceStore
from .utils.distributions import round_distribution_digits, validate_distribution

ROUNDING_DIGITS = 6


def _whole_number(value, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("%s must be an integer number of seconds, got %r" % (what, value))
    return value


def predict_at_resolutions(predict, asset, horizon, steps):
    """``predict_all`` of both stand-in packages: one ``predict`` per step, checked and rounded."""
    _whole_number(horizon, "horizon")
    if not isinstance(steps, (list, tuple)):
        raise ValueError("steps must be a list of integers, got %r" % (steps,))
    answers = {}
    for step in steps:
        if _whole_number(step, "step") > horizon:
            continue
        predictions = predict(asset=asset, horizon=horizon, step=step)
        if not predictions:
            answers[step] = []
            continue
        if not isinstance(predictions, (list, tuple)):
            raise ValueError("predict(%r, %d, %d) must return a list of distributions, got %s" % (asset, horizon, step, type(predictions).__name__))
        ready = []
        for dist in predictions:
            validate_distribution(dist)
            ready.append(round_distribution_digits(_copy(dist), digits=ROUNDING_DIGITS))
        answers[step] = ready
    return answers


def _copy(value):
    # Models often return one spec object repeated; rounding works on a copy.
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


class SubTracker(abc.ABC):
    """A tracker specialised for some (horizon, asset) pairs; registered with ``TrackerBase.track``."""

    def __init__(self):
        self.prices = PriceStore()

    def tick(self, data):
        """Receives the same data as the main tracker. Override to keep only some assets."""
        self.prices.add_bulk(data)

    @abc.abstractmethod
    def predict(self, asset, horizon, step):
        """Returns ``horizon // step`` density specifications, in time order."""


class TrackerBase(abc.ABC):
    """Base class of Synth trackers: override ``predict``, or route it to sub-trackers with ``track``."""

    def __init__(self):
        self.prices = PriceStore()
        self._routes = []
        self._sub_trackers = []

    def track(self, horizon, asset, sub_tracker):
        """Routes ``predict(asset, horizon, ...)`` to ``sub_tracker``; ``asset`` is a symbol, a list of symbols or ``"*"``."""
        _whole_number(horizon, "horizon")
        assets = [asset] if isinstance(asset, str) else asset
        if not isinstance(assets, (list, tuple)) or not all(isinstance(a, str) for a in assets):
            raise ValueError("asset must be a symbol, a list of symbols or \"*\", got %r" % (asset,))
        if not isinstance(sub_tracker, SubTracker):
            raise ValueError("track() needs a SubTracker instance, got %s" % type(sub_tracker).__name__)
        routes, sub_trackers = self._routing()
        for symbol in assets:
            routes.append((horizon, symbol, sub_tracker))
        if all(known is not sub_tracker for known in sub_trackers):
            sub_trackers.append(sub_tracker)

    def tick(self, data):
        """Receives ``{"BTC": [[ts, price], ...], ...}`` (the first tick carries the last 30 days of
        one-minute prices), adds it to ``self.prices`` and forwards it to every sub-tracker."""
        self.prices.add_bulk(data)
        for sub_tracker in self._routing()[1]:
            sub_tracker.tick(data)

    def predict(self, asset, horizon, step):
        """Returns ``horizon // step`` density specifications, in time order (or asks the routed sub-tracker)."""
        sub_tracker = self._route(horizon, asset)
        if sub_tracker is not None:
            return sub_tracker.predict(asset, horizon, step)
        raise NotImplementedError(
            "%s.predict() is not implemented and no SubTracker is registered for horizon=%r, asset=%r: "
            "override predict() or register one with self.track()" % (type(self).__name__, horizon, asset)
        )

    def predict_all(self, asset, horizon, steps):
        """``{step: [density, ...]}`` for every step not larger than ``horizon``; each distribution is
        checked (at most 3 leaf components) and rounded to 6 significant digits."""
        return predict_at_resolutions(self.predict, asset, horizon, steps)

    def _routing(self):
        # Subclasses that skip super().__init__() still get routing state.
        if not hasattr(self, "_routes"):
            self._routes, self._sub_trackers = [], []
        return self._routes, self._sub_trackers

    def _route(self, horizon, asset):
        wildcard = None
        for route_horizon, pattern, sub_tracker in self._routing()[0]:
            if route_horizon != horizon:
                continue
            if pattern == asset:
                return sub_tracker
            if pattern == "*" and wildcard is None:
                wildcard = sub_tracker
        return wildcard
