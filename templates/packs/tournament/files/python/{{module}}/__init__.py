"""{{name}}: participant package (Python). See model.py."""
from .model import {{base_class}}

__all__ = ["{{base_class}}"]
