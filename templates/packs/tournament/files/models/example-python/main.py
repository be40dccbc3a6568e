"""Example {{name}} model (Python): ranks the items by their first feature.

``{{module}}`` here is a link to ../../python/{{module}} (what ``pip install -e ../../python`` would
give); a participant's own model would ``pip install {{name}}`` instead.
"""
from {{module}}.model import {{base_class}}


class FirstFeature({{base_class}}):
    def predict(self, inputs):
        return [float(row[0]) for row in self.rows(inputs)]
