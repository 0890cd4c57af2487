"""`mx.np.linalg`: norms."""
from __future__ import annotations

from .library import norm

__all__ = ["norm"]
