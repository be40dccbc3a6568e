"""Checks and rounding applied by ``TrackerBase.predict_all`` to every predicted distribution.

    validate_distribution({"type": "builtin", "name": "norm", "params": {"loc": 0, "scale": 1}})  # passes
    round_distribution_digits({"type": "builtin", "name": "norm", "params": {"loc": 0.123456789}}, 6)
    # {"type": "builtin", "name": "norm", "params": {"loc": 0.123457}}
"""
import math

from ..constants import MAX_DISTRIBUTION_COMPONENTS


def _components(dist):
    components = dist.get("components")
    if not isinstance(components, list):
        raise ValueError("a mixture needs a list of components, got %r" % (components,))
    for component in components:
        if not isinstance(component, dict) or not isinstance(component.get("density"), dict):
            raise ValueError("a mixture component must be {\"density\": {...}, \"weight\": w}, got %r" % (component,))
    return components


def count_distribution_components(dist):
    """Leaf components of a distribution: 1 for a plain one, the sum over components for a mixture."""
    if not isinstance(dist, dict):
        raise ValueError("a distribution must be a mapping, got %s" % type(dist).__name__)
    if dist.get("type") != "mixture":
        return 1
    return sum(count_distribution_components(component["density"]) for component in _components(dist))


def validate_distribution(dist):
    """Raises ValueError when ``dist`` has more than MAX_DISTRIBUTION_COMPONENTS leaf components."""
    count = count_distribution_components(dist)
    if count > MAX_DISTRIBUTION_COMPONENTS:
        raise ValueError(
            "Distribution contains %d total components (including nested mixtures), but the maximum allowed is %d."
            % (count, MAX_DISTRIBUTION_COMPONENTS)
        )


def round_significant(value, digits):
    if value == 0:
        return 0.0
    if not math.isfinite(value):
        raise ValueError("cannot round %r: distribution parameters must be finite numbers" % (value,))
    return round(value, digits - int(math.floor(math.log10(abs(value)))) - 1)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def round_distribution_digits(dist, digits=6):
    """Rounds the weights and numeric parameters of ``dist`` in place to ``digits`` significant digits; returns it."""
    if dist.get("type") == "mixture":
        for component in _components(dist):
            if _is_number(component.get("weight")):
                component["weight"] = round_significant(component["weight"], digits)
            round_distribution_digits(component["density"], digits)
        return dist
    params = dist.get("params")
    if isinstance(params, dict):
        for key, value in params.items():
            if _is_number(value):
                params[key] = round_significant(value, digits)
    return dist
