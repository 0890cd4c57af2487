"""Unknown dimensions of MXNet's legacy creation operators.

MXNet 1.9.1 writes an unknown dimension as 0 in `_zeros`, `_ones` and `_full` (a Gluon
cell's begin state in a hybridized `unroll` is `F.zeros((0, hidden))`: the batch size is
not known when the symbol is made) and infers it from the operators around it. The IR is
typed, so `lower` builds such a node with a distinct placeholder size (`SENTINEL` and up)
in place of each 0: operators carry it along like any size (FullyConnected maps (S, 4) to
(S, 16)), and where an operator rejects its inputs because a placeholder meets a real size
at the same (right-aligned) position, as `elemwise_add` of (2, 16) and (S, 16) does, the
placeholder is bound to that size and the graph is built again. A placeholder still in the
graph once it builds is an error naming its node.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

from ...ir import Graph, MXNetError, Value

CREATION = ("_zeros", "_ones", "_full")
SENTINEL = 1_000_003  # placeholder sizes: SENTINEL + STEP * k, unlike any real size
STEP = 7919


class Retry(Exception):
    """A placeholder was bound: build the graph again."""


class UnknownDims:
    """The placeholders of the legacy creation nodes among `order` (SymNodes)."""

    def __init__(self, order: Sequence[Any]):
        self.slots: Dict[Tuple[Any, int], int] = {}
        for node in order:
            shape = node.attrs.get("shape") if node.op in CREATION else None
            if (isinstance(shape, tuple) and 0 in shape and not node.tg
                    and node.ir_node is None):
                for pos, size in enumerate(shape):
                    if size == 0:
                        self.slots[(node, pos)] = SENTINEL + STEP * len(self.slots)
        self.bound: Dict[int, int] = {}
        self.nodes = {node for node, _ in self.slots}

    def __len__(self) -> int:
        return len(self.slots)

    def attrs(self, node: Any) -> Dict[str, Any]:
        """`node`'s attributes, each unknown size replaced by its placeholder or binding."""
        attrs = dict(node.attrs)
        if node in self.nodes:
            shape = list(attrs["shape"])
            for pos, size in enumerate(shape):
                if size == 0:
                    placeholder = self.slots[(node, pos)]
                    shape[pos] = self.bound.get(placeholder, placeholder)
            attrs["shape"] = tuple(shape)
        return attrs

    def _open(self) -> set:
        return {p for p in self.slots.values() if p not in self.bound}

    def learn(self, ins: List[Value]) -> None:
        """Raise Retry if the shapes of the inputs an operator rejected bind a placeholder:
        one input has it where another has a real size other than 1, or a size 1 when the
        two shapes differ nowhere else (a broadcasting operator would have taken them, so
        the operator wants equal shapes: elemwise_add of (1, 16) and (S, 16))."""
        open_ = self._open()
        shapes = [v.type.shape for v in ins]
        learned = False
        for a in shapes:
            for b in shapes:
                only_here = len(a) == len(b) and all(
                    da == db or (da in open_ and db not in open_) for da, db in zip(a, b))
                for da, db in zip(reversed(a), reversed(b)):
                    if (da in open_ and db not in open_ and (db != 1 or only_here)
                            and da not in self.bound):
                        self.bound[da] = db
                        learned = True
        if learned:
            raise Retry()

    def check(self, graph: Graph, names: Dict[Value, str]) -> None:
        """MXNetError if a placeholder is still a size in `graph`."""
        open_ = self._open()
        if not open_:
            return
        for node in graph.nodes:
            for v in node.outputs:
                if open_ & set(v.type.shape):
                    owners = sorted(n.name for (n, _), p in self.slots.items() if p in open_)
                    raise MXNetError(
                        "cannot infer the unknown dimension (0) of %s: MXNet infers it from "
                        "the operators around it, and none of them fixes it here (a value "
                        "of shape %s reaches %r)" % (", ".join(repr(o) for o in owners),
                                                     _shown(v.type.shape, open_),
                                                     names.get(v, node.op)))


def _shown(shape: Tuple[int, ...], open_: set) -> str:
    return "(%s)" % ", ".join("?" if d in open_ else str(d) for d in shape)
