"""The structural key of a recorded graph: what a compiled backward depends on, and nothing
else (no data). It is the plan cache's key (with the gradient request, see
tapegraph.autodiff.engine), built by the tape while recording (`tapegraph.trace.tape`) or
by a walk from the heads (`tapegraph.trace.collect`), both with the functions below, so
the two cannot disagree on its format.

Values are numbered by position: leaves where first used, then each node's outputs. A key
is `(entries, head positions)` with one entry per leaf, `leaf_entry`, and one per node,
`node_entry`: `(op, attribute items, *input positions)`, then the node's region if it has
one (compared structurally, by identity first), then `PENDING` if its output is not
computed yet (tapegraph.accel.lazy: the backward recomputes it).
"""
from __future__ import annotations

from typing import Any, Dict, Sequence

from ..ir import attrs_key
from .values import VariableValue

PENDING = "pending"
FROZEN = "frozen"  # first item of the attribute part of an unhashable node's entry
_ATTR_ITEMS: Dict[Any, tuple] = {}  # interned attribute items: entries share them
_ATTR_ITEMS_MAX = 65536


def leaf_entry(value: Any) -> tuple:
    """A leaf's entry: its type and, for a variable, its grad_req (of now)."""
    return (value.type, value.grad_req if type(value) is VariableValue else None)


def intern_items(items: tuple, attrs: Dict[str, Any]) -> tuple:
    """The attribute part of an entry, given `items == tuple(attrs.items())`: interned
    (entries of equal attributes share one tuple), or a frozen copy when an attribute
    value is unhashable."""
    try:
        found = _ATTR_ITEMS.get(items)
    except TypeError:
        return (FROZEN, attrs_key(attrs))
    if found is None:
        if len(_ATTR_ITEMS) >= _ATTR_ITEMS_MAX:
            _ATTR_ITEMS.clear()
        found = _ATTR_ITEMS[items] = items
    return found


def node_items(node: Any) -> tuple:
    """The attribute part of `node`'s entry. An autograd.Function node is keyed by the
    Function's class and types, not the instance (it is bound when the plan runs)."""
    attrs = node.attrs
    if not attrs:
        return ()
    if node.op == "_CustomFunction":
        attrs = dict(attrs, function=function_key(attrs["function"]))
    return intern_items(tuple(attrs.items()), attrs)


def node_entry(node: Any, items: tuple, positions: Sequence[int]) -> tuple:
    """`node`'s entry: operator, attribute items (`node_items`), input positions, region,
    and whether its output is pending."""
    entry = (node.op, items, *positions)
    if node.region is not None:
        entry += (node.region,)
    outs = node.outputs
    if outs and outs[0].data is None:
        entry += (PENDING,)
    return entry


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
