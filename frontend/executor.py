"""`mxnet.executor`: the `Executor` a bound symbol is (`tapegraph.symbol.execute`)."""
from .symbol.execute.executor import Executor  # noqa: F401

__all__ = ["Executor"]
