"""Side effects that a recorded forward leaves for the backward pass through it.

MXNet 1.9.1 (CPU) updates BatchNorm's moving mean and variance when the backward runs
through the operator, not in the forward: a recorded forward whose graph is never
differentiated, or a train-mode forward outside `record()`, leaves them unchanged.
`defer(node, fn)` registers `fn` to run when a backward pass (`backward`,
`autograd.backward`, `autograd.grad`) differentiates a graph holding the recorded `node`:
once, or at every backward while the graph is kept (`retain_graph=True`), as MXNet runs
the operator's backward each time. An entry lives as long as its node.
"""
from __future__ import annotations

import weakref
from typing import Callable, Iterable, List

from ..ir import Node

__all__ = ["defer", "run_deferred"]

_PENDING: "weakref.WeakKeyDictionary[Node, List[Callable[[], None]]]" = \
    weakref.WeakKeyDictionary()


def defer(node: Node, fn: Callable[[], None]) -> None:
    """Run `fn()` when a backward pass goes through the recorded `node`."""
    _PENDING.setdefault(node, []).append(fn)


def run_deferred(nodes: Iterable[Node], keep: bool) -> None:
    """Run the functions deferred to `nodes` (the graph a backward pass just
    differentiated); `keep` leaves them registered for the next pass (retained graph)."""
    if not _PENDING:
        return
    for node in nodes:
        fns = _PENDING.get(node) if keep else _PENDING.pop(node, None)
        for fn in fns or ():
            fn()
