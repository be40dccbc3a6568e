"""Participant interface of the reference competition (local-orchestrator stand-in of ``condorgame``).

Setup class name: ``condorgame.tracker.TrackerBase``. A submission defines one subclass and
writes ``predict``; the base class's ``tick`` keeps prices in ``self.prices`` (a PriceStore)::

    from condorgame.tracker import TrackerBase

    class MyTracker(TrackerBase):
        def predict(self, asset, horizon, step):
            return [{"type": "builtin", "name": "norm", "params": {"loc": 0, "scale": 0.001}}] * (horizon // step)

Subclasses that override ``tick`` (and keep their own history) still work.
"""
from abc import ABC, abstractmethod

from crunch_synth.tracker import TrackerBase as _SynthTrackerBase

from .prices import PriceStore


class TrackerBase(ABC):
    def __init__(self):
        self.prices = PriceStore()

    def tick(self, data):
        """Receives ``{"BTC": [[ts_seconds, price], ...], ...}``: full history on join or redeploy, then new points."""
        self.prices.add_bulk(data)

    @abstractmethod
    def predict(self, asset, horizon, step):
        """Returns ``horizon // step`` density specifications, in time order."""

    # The Synth package's own predict_all (it only needs self.predict): ``{step: [density, ...]}``
    # for every step not larger than the horizon, checked and rounded. Borrowed through the public
    # API so this stand-in also works when the real crunch_synth is installed.
    predict_all = _SynthTrackerBase.predict_all
