"""Participant interface of the {{name}} tournament (setup class name ``{{module}}.model.{{base_class}}``).

Each round, the coordinator calls ``predict(inputs)`` once with the round's inputs,
``{"features": [[x, ...], ...]}`` (one row per item), and expects one number per row: the higher,
the higher the item is expected to rank. It is scored against the round's truth once posted.

Example::

    from {{module}}.model import {{base_class}}

    class MyModel({{base_class}}):
        def predict(self, inputs):
            return [sum(row) for row in self.rows(inputs)]
"""


class {{base_class}}:
    def predict(self, inputs):
        """Scores every item of a round.

        Args:
            inputs (dict): ``{"features": [[float, ...], ...]}``, one row per item.

        Returns:
            list[float]: one number per row of ``inputs["features"]``, in the same order.
        """
        raise NotImplementedError("%s does not implement predict(inputs)" % type(self).__name__)

    @staticmethod
    def rows(inputs):
        """The feature rows of a round's inputs (an empty list when there are none)."""
        features = inputs.get("features") if isinstance(inputs, dict) else None
        return [list(row) for row in features] if isinstance(features, list) else []
