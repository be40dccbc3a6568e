"""Example {{name}} model (Python): a normal density whose scale is the recent volatility.

``{{module}}`` here is a link to ../../python/{{module}} (what ``pip install -e ../../python`` would
give); a participant's own model would ``pip install {{name}}`` instead.
"""
from {{module}}.tracker import {{base_class}}

OUTPUT = "{{output}}"


class ExampleTracker({{base_class}}):
    def predict(self, {{py_predict_params}}):
        steps = int(horizon // step)
        if OUTPUT == "distributions":
            scale = self.volatility(asset, step)
            return [{"type": "builtin", "name": "norm", "params": {"loc": 0.0, "scale": scale}} for _ in range(steps)]
        changes = self.changes(asset, step, count=10)
        mean = sum(changes) / len(changes) if changes else 0.0
        return [mean] * steps if OUTPUT == "vector" else mean
