"""{{name}}: participant package. {{description}}

Subclass :class:`{{module}}.tracker.{{base_class}}` and implement ``predict``; check a model
locally with :func:`{{module}}.backtest.backtest`.
"""
from .tracker import {{base_class}}

__all__ = ["{{base_class}}"]
__version__ = "0.1.0"
