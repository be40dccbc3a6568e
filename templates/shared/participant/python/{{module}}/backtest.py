"""Local backtest of a {{name}} model: replay a price history, call ``tick`` and ``predict`` as the
coordinator does, check each answer's shape and score it with a local copy of the competition's
scorer ({{scorer}}, {{scorer_direction}} is better).

    from {{module}}.backtest import backtest, synthetic_prices
    report = backtest(MyTracker(), synthetic_prices(), horizon={{first_horizon}}, step={{first_step}}, interval={{first_interval}})
    print(report["mean_score"], report["failures"][:3])

Local scores approximate the coordinator's: normal densities and mixtures of them are scored
here (crps: normal densities only); any other answer is checked but not scored (``None``).
"""
import math
import random

from .tracker import ASSETS, TARGET

#: The competition's choices (competition.yaml).
OUTPUT = "{{output}}"
SCORER = "{{scorer}}"
PREDICT_ARGS = {{py_predict_names_json}}
GRANULARITY = {{granularity}}


def synthetic_prices(assets=None, seconds=4 * 3600, granularity=GRANULARITY, seed=42, start=1_700_000_000):
    """A seeded random walk of prices, ``{"ASSET": [[ts, price], ...]}``: for trying a model offline.

    Args:
        assets (list[str]): assets to generate (default: the competition's).
        seconds (int): length of the history.
        granularity (int): seconds between two points.
        seed (int): random seed (same seed, same prices).
        start (int): timestamp of the first point, in seconds.
    """
    rng = random.Random(seed)
    out = {}
    for index, asset in enumerate(assets or ASSETS):
        price, points = 100.0 * (index + 1), []
        for i in range(seconds // granularity + 1):
            points.append([start + i * granularity, price])
            price *= math.exp(rng.gauss(0.0, 0.0005 * math.sqrt(granularity)))
        out[asset] = points
    return out


def check_answer(answer, horizon, step):
    """Why the coordinator would store this answer as FAILED, or None when it is accepted.

    Args:
        answer (object): what ``predict`` returned.
        horizon (int): the configuration's horizon, seconds.
        step (int): the configuration's step, seconds.
    """
    if answer is None:
        return "returned nothing (None)"
    steps = horizon // step
    if OUTPUT == "distributions":
        if not isinstance(answer, list) or len(answer) != steps:
            return "expected a list of exactly %d distributions (horizon / step)" % steps
        if not all(isinstance(item, dict) for item in answer):
            return "every distribution must be a dict"
    elif OUTPUT == "number":
        if not isinstance(answer, (int, float)) or isinstance(answer, bool):
            return "expected a number"
    elif OUTPUT == "vector":
        if not isinstance(answer, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in answer):
            return "expected a list of numbers"
    if _has_non_finite(answer):
        return "holds NaN or infinity"
    return None


def _has_non_finite(value):
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    return False


def _normals(density):
    """A density as ``[(weight, loc, scale)]`` normals, or None when it is another family."""
    if density.get("type") == "mixture":
        parts = []
        for component in density.get("components", []):
            inner = _normals(component.get("density", {}))
            if inner is None:
                return None
            parts += [(component.get("weight", 0) * w, loc, scale) for w, loc, scale in inner]
        total = sum(w for w, _, _ in parts)
        return [(w / total, loc, scale) for w, loc, scale in parts] if total > 0 else None
    params = density.get("params", {})
    if density.get("name") == "norm" and params.get("scale", 0) > 0:
        return [(1.0, params.get("loc", 0.0), params["scale"])]
    return None


def _pdf(normals, x):
    return sum(w * math.exp(-0.5 * ((x - loc) / scale) ** 2) / (scale * math.sqrt(2 * math.pi)) for w, loc, scale in normals)


def _crps_normal(loc, scale, x):
    z = (x - loc) / scale
    cdf = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    pdf = math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    return scale * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi))


def score_answer(answer, truth):
    """The local score of an accepted answer against the per-step truth, or None when not scorable here.

    Args:
        answer (object): what ``predict`` returned (already accepted by check_answer).
        truth (list[float]): the realised per-step target values.
    """
    if SCORER in ("mse", "mae"):
        predicted = answer if isinstance(answer, list) else [answer] * len(truth)
        if len(predicted) != len(truth):
            return None
        errors = [(p - t) ** 2 if SCORER == "mse" else abs(p - t) for p, t in zip(predicted, truth)]
        return sum(errors) / len(errors)
    values = []
    for density, x in zip(answer, truth):
        normals = _normals(density)
        if normals is None:
            return None
        if SCORER == "density-pdf":
            values.append(_pdf(normals, x))
        elif SCORER == "density-log-likelihood":
            values.append(max(-20.0, math.log(max(_pdf(normals, x), 1e-300))))
        elif SCORER == "crps" and len(normals) == 1:
            values.append(_crps_normal(normals[0][1], normals[0][2], x))
        else:
            return None
    return sum(values) / len(values) if values else None


def _price_at(points, ts):
    """The last price at or before ``ts`` (points sorted by time), or None."""
    found = None
    for point_ts, price in points:
        if point_ts > ts:
            break
        found = price
    return found


def _truth(points, t0, horizon, step):
    prices = [_price_at(points, t0 + k * step) for k in range(horizon // step + 1)]
    if any(p is None for p in prices):
        return None
    if TARGET == "log-return":
        return [math.log(b / a) for a, b in zip(prices, prices[1:])]
    return [b - a for a, b in zip(prices, prices[1:])]


def backtest(tracker, prices, horizon, step, interval, warmup=None, assets=None):
    """Replays ``prices`` through ``tracker`` and scores every prediction whose horizon is covered.

    Args:
        tracker ({{base_class}}): the model under test (a fresh instance).
        prices (dict): ``{"ASSET": [[ts, price], ...]}``, e.g. from :func:`synthetic_prices`.
        horizon (int): seconds forecast by one prediction.
        step (int): seconds per step of the forecast.
        interval (int): seconds between two predictions.
        warmup (int): seconds of history given in the first tick (default: a quarter of the history).
        assets (list[str]): assets to predict (default: every asset of ``prices``).

    Returns:
        dict: ``{"scores": [...], "mean_score": float | None, "failures": [(ts, asset, reason)], "predictions": int}``
    """
    assets = assets or list(prices)
    start = min(points[0][0] for points in prices.values())
    end = max(points[-1][0] for points in prices.values())
    warmup = (end - start) // 4 if warmup is None else warmup
    scores, failures, count, sent_until = [], [], 0, None
    t = start + warmup
    while t + horizon <= end:
        tracker.tick({a: [p for p in points if (sent_until is None or p[0] > sent_until) and p[0] <= t] for a, points in prices.items()})
        sent_until = t
        for asset in assets:
            values = {"asset": asset, "horizon": horizon, "step": step, "interval": interval}
            count += 1
            try:
                answer = tracker.predict(*[values[name] for name in PREDICT_ARGS])
            except Exception as error:  # noqa: BLE001 - a raising model is a FAILED prediction
                failures.append((t, asset, "raised %r" % (error,)))
                continue
            reason = check_answer(answer, horizon, step)
            if reason:
                failures.append((t, asset, reason))
                continue
            truth = _truth(prices[asset], t, horizon, step)
            score = score_answer(answer, truth) if truth else None
            if score is not None:
                scores.append(score)
        t += interval
    return {"scores": scores, "mean_score": sum(scores) / len(scores) if scores else None, "failures": failures, "predictions": count}
