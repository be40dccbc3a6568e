"""Example Synth tracker (Python): a calm/stressed normal mixture of price changes per step.

Written against the participant package's public API (``crunch_synth``): the base class's
``tick`` fills ``self.prices``; ``predict`` reads it at the resolution of the requested step,
and the base class's ``predict_all`` asks for every step of a horizon. The 24-hour horizon is
routed to a sub-tracker with a longer look-back, to show ``track``.

Target of the game: the price change over one step, ``p(t) - p(t - step)``, in price units.
"""
import math

from crunch_synth.tracker import SubTracker, TrackerBase

MIN_CHANGES = 10
CALM_WEIGHT, STRESS_WEIGHT, STRESS_FACTOR = 0.8, 0.2, 2.5
# Prior when there is too little history: 0.1% of the price per square root of an hour.
PRIOR_RELATIVE_SIGMA_PER_SQRT_HOUR = 0.001


def step_sigma(prices, asset, step, days):
    """Standard deviation of ``step``-second price changes over the last ``days`` days.

    Changes are read at the step's own resolution when there are enough of them; otherwise
    one-minute changes are scaled by sqrt(step / 60); otherwise a prior relative to the price.
    """
    for resolution, scale in ((step, 1.0), (60, math.sqrt(step / 60))):
        points = prices.get_prices(asset, days=days, resolution=resolution)
        changes = [p1 - p0 for (t0, p0), (t1, p1) in zip(points, points[1:]) if t1 - t0 < 2 * resolution]
        if len(changes) >= MIN_CHANGES:
            variance = sum(change * change for change in changes) / len(changes)
            if variance > 0:
                return math.sqrt(variance) * scale
    last = prices.get_last_price(asset)
    price = last[1] if last else 1.0
    return max(abs(price), 1e-9) * PRIOR_RELATIVE_SIGMA_PER_SQRT_HOUR * math.sqrt(step / 3600)


def mixture(sigma):
    return {
        "type": "mixture",
        "components": [
            {"density": {"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": sigma}}, "weight": CALM_WEIGHT},
            {"density": {"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": sigma * STRESS_FACTOR}}, "weight": STRESS_WEIGHT},
        ],
    }


class DailyTracker(SubTracker):
    """The 24-hour horizon: a week of history at the step's resolution."""

    def predict(self, asset, horizon, step):
        spec = mixture(step_sigma(self.prices, asset, step, days=7))
        return [dict(spec, step=(k + 1) * step) for k in range(horizon // step)]


class MultiResolutionTracker(TrackerBase):
    def __init__(self):
        super().__init__()
        self.track(86400, "*", DailyTracker())

    def predict(self, asset, horizon, step):
        if horizon == 86400:
            return super().predict(asset, horizon, step)  # routed to DailyTracker
        spec = mixture(step_sigma(self.prices, asset, step, days=1))
        return [dict(spec, step=(k + 1) * step) for k in range(horizon // step)]
