"""Participant interface of the {{name}} competition.

Setup class name: ``{{base_class_path}}``. A submission defines one subclass of
:class:`{{base_class}}` and writes ``predict``; the base class's ``tick`` keeps the prices it
receives in ``self.prices``::

    from {{module}}.tracker import {{base_class}}

    class MyTracker({{base_class}}):
        def predict(self, {{py_predict_params}}):
            ...  # {{output_summary}}

The coordinator calls ``tick(data)`` every {{tick_interval}} s and ``predict({{py_predict_params}})``
on the schedule of competition.yaml ({{resolutions_text}}). Only the standard library is used.
"""
import math
from abc import ABC, abstractmethod

#: Assets of the feed, as in competition.yaml.
ASSETS = {{assets_json}}
#: What is scored per step: "log-return" (log(p1 / p0)) or "difference" (p1 - p0).
TARGET = "{{target}}"
#: Points kept per asset (the coordinator sends {{history_seconds}} s of history on join).
MAX_POINTS = 20000


class {{base_class}}(ABC):
    """Base class of every {{name}} model.

    Attributes:
        prices (dict): per asset, the ``[ts_seconds, price]`` points received so far, oldest first.
    """

    def __init__(self):
        self.prices = {}

    def tick(self, data):
        """Receives new prices; the default keeps them in ``self.prices``.

        Args:
            data (dict): ``{"ASSET": [[ts_seconds, price], ...], ...}``: the last {{history_seconds}} s
                when the model joins or is redeployed, then the points since the previous tick.
                Points at or before the last known timestamp, and non-positive prices, are ignored.
        """
        if not isinstance(data, dict):
            return
        for asset, points in data.items():
            history = self.prices.setdefault(asset, [])
            last_ts = history[-1][0] if history else -math.inf
            for point in points if isinstance(points, list) else []:
                if not (isinstance(point, (list, tuple)) and len(point) >= 2):
                    continue
                ts, price = point[0], point[1]
                if isinstance(ts, (int, float)) and isinstance(price, (int, float)) and ts > last_ts and math.isfinite(price) and price > 0:
                    history.append([ts, price])
                    last_ts = ts
            del history[:-MAX_POINTS]

    @abstractmethod
    def predict(self, {{py_predict_params}}):
        """Forecasts one configuration: {{output_summary}}.

        Args:
{{py_predict_args_doc}}

        Returns:
            {{py_returns_doc}}
        """

    def last_price(self, asset):
        """The latest price of ``asset``, or None before its first tick.

        Args:
            asset (str): one of the feed subjects.
        """
        history = self.prices.get(asset)
        return history[-1][1] if history else None

    def changes(self, asset, step, count=60):
        """The last ``count`` per-step target values (TARGET over ``step`` seconds), oldest first.

        Args:
            asset (str): one of the feed subjects.
            step (int): seconds between the two prices of one change.
            count (int): how many changes at most.
        """
        history = self.prices.get(asset, [])
        points, next_ts = [], None
        for ts, price in reversed(history):
            if next_ts is None or next_ts - ts >= step:
                points.append(price)
                next_ts = ts
                if len(points) > count:
                    break
        points.reverse()
        if TARGET == "log-return":
            return [math.log(b / a) for a, b in zip(points, points[1:])]
        return [b - a for a, b in zip(points, points[1:])]

    def volatility(self, asset, step, count=60, prior=None):
        """Root mean square of the recent per-step changes, or ``prior`` with fewer than 5 of them.

        Args:
            asset (str): one of the feed subjects.
            step (int): seconds per change.
            count (int): how many recent changes to use.
            prior (float): the answer when history is short; default 0.1% of a price per step.
        """
        values = self.changes(asset, step, count)
        if len(values) >= 5:
            rms = math.sqrt(sum(v * v for v in values) / len(values))
            if rms > 0:
                return rms
        if prior is not None:
            return prior
        last = self.last_price(asset) or 1.0
        return 0.001 if TARGET == "log-return" else 0.001 * last
