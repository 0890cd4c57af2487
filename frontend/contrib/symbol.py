"""`mx.contrib.symbol` (`mx.contrib.sym`): the namespace MXNet registers its contrib
operators into, i.e. `mx.sym.contrib` without the functions MXNet writes in Python."""
from __future__ import annotations

from typing import Any

from ..symbol import contrib as _contrib
from .ndarray import PYTHON_LEVEL, __all__ as _OPERATORS

__all__ = list(_OPERATORS)


def __getattr__(name: str) -> Any:
    if name.startswith("_") or name in PYTHON_LEVEL:
        raise AttributeError("module 'tapegraph.contrib.symbol' has no attribute %r" % name)
    return getattr(_contrib, name)


def __dir__():
    return sorted(set(globals()) | set(__all__))
