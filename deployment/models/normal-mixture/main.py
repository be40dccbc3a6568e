"""Baseline: two-component normal mixture of log-returns.

A calm component with the recent volatility (weight 0.8) and a stressed one with 2.5 times
that volatility (weight 0.2): fat tails without leaving the normal family. Volatility is the
root mean square of per-second-normalised log-returns over the last day; a prior is used
when history is short.
"""
import math

from condorgame.tracker import TrackerBase

WINDOW = 1440
MIN_RETURNS = 10
PRIOR_SIGMA_PER_SQRT_SECOND = 1.2e-4
CALM_WEIGHT, STRESS_WEIGHT, STRESS_FACTOR = 0.8, 0.2, 2.5


class NormalMixtureTracker(TrackerBase):
    def __init__(self):
        self.prices = {}

    def tick(self, data):
        if not isinstance(data, dict):
            return
        for asset, points in data.items():
            history = self.prices.setdefault(asset, [])
            last_ts = history[-1][0] if history else float("-inf")
            for point in points if isinstance(points, list) else []:
                if isinstance(point, list) and len(point) >= 2 and all(isinstance(v, (int, float)) for v in point[:2]):
                    ts, price = point[0], point[1]
                    if ts > last_ts and math.isfinite(price) and price > 0:
                        history.append([ts, price])
                        last_ts = ts
            del history[:-12000]

    def sigma_per_sqrt_second(self, asset):
        history = self.prices.get(asset, [])[-WINDOW - 1:]
        squares = [
            math.log(p1 / p0) ** 2 / (t1 - t0)
            for (t0, p0), (t1, p1) in zip(history, history[1:])
            if t1 > t0
        ]
        if len(squares) < MIN_RETURNS:
            return None
        variance = sum(squares) / len(squares)
        return math.sqrt(variance) if variance > 0 else None

    def predict(self, asset, horizon, step):
        if not isinstance(horizon, int) or not isinstance(step, int) or step <= 0 or horizon < step or horizon % step:
            raise ValueError("horizon %r must be a positive multiple of step %r" % (horizon, step))
        sigma = self.sigma_per_sqrt_second(asset) or PRIOR_SIGMA_PER_SQRT_SECOND
        calm = max(sigma * math.sqrt(step), 1e-6)
        spec = {
            "type": "mixture",
            "components": [
                {"density": {"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": calm}}, "weight": CALM_WEIGHT},
                {"density": {"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": calm * STRESS_FACTOR}}, "weight": STRESS_WEIGHT},
            ],
        }
        return [spec for _ in range(horizon // step)]
