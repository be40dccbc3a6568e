"""Faulty on purpose: non-finite numbers and values with no JSON form.

predict -> densities with NaN/Infinity (bare NaN in the JSON variant), volatility -> float('nan')
(DOUBLE), tags -> a dict holding a set (MODEL_FAILED), echo(x) returns its argument, crash -> process exit.
"""
import os

from condorgame.tracker import TrackerBase


class OddTracker(TrackerBase):
    def tick(self, data):
        self.last = data

    def predict(self, asset, horizon, step):
        return [{"type": "builtin", "name": "norm", "params": {"loc": float("nan"), "scale": float("inf")}}] * (horizon // step)

    def volatility(self):
        return float("nan")

    def tags(self):
        return {"tags": {"a", "b"}}

    def echo(self, value, scale=None):
        return {"value": value, "scale": scale}

    def crash(self):
        os._exit(3)
