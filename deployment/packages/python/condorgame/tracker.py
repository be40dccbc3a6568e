"""Participant interface of the reference competition.

Setup class name: ``condorgame.tracker.TrackerBase``. A submission defines one strict subclass::

    from condorgame.tracker import TrackerBase

    class MyTracker(TrackerBase):
        def tick(self, data):
            ...  # data = {"BTC": [[ts_seconds, price], ...], ...}

        def predict(self, asset, horizon, step):
            return [{"type": "builtin", "name": "norm", "params": {"loc": 0, "scale": 0.001}}] * (horizon // step)
"""
from abc import ABC, abstractmethod


class TrackerBase(ABC):
    @abstractmethod
    def tick(self, data):
        """Receives ``{"BTC": [[ts_seconds, price], ...], ...}``: full history on join or redeploy, then new points."""

    @abstractmethod
    def predict(self, asset, horizon, step):
        """Returns ``horizon // step`` density specifications, in time order."""
