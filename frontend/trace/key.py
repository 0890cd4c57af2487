"""The structural key of a recorded graph: what a compiled graph depends on, and nothing
else (no data). `tapegraph.trace.tape` builds it while recording and
`tapegraph.trace.collect` by a walk; both give equal keys."""
from __future__ import annotations

from typing import Any


class FunctionSlot:
    """Stands for the `k`-th Function instance of a recorded graph in compiled (cached)
    graphs: the plan then serves every step, each binding its own instances at run time
    (see `tapegraph.autodiff.function.bound`), and the cache pins no instance nor the
    tensors it saved."""

    __slots__ = ("index", "cls", "_tg_in_types", "_tg_out_types", "_tg_cls")

    def __init__(self, index: int, function: Any):
        self.index = index
        self.cls = type(function)
        self._tg_in_types = list(function._tg_in_types)
        self._tg_out_types = list(function._tg_out_types)
        self._tg_cls = getattr(function, "_tg_cls", None)

    @property
    def tg_label(self) -> str:
        """How printed graphs show the slot: the Function's class and its position."""
        return "%s #%d" % (self.cls.__name__, self.index)

    def __repr__(self) -> str:
        return "<%s>" % self.tg_label


def function_key(function: Any) -> tuple:
    """What a compiled graph depends on of a Function instance: its class and types."""
    return (FunctionSlot, type(function), tuple(function._tg_in_types),
            tuple(function._tg_out_types))
