"""Collecting the recorded graph behind some heads, with its structural cache key.

This runs on every `backward()`, so it is written for speed: one walk over the nodes
reachable from the heads, one pass in creation order that numbers the values and builds
the key. Nothing here depends on how many operators were recorded before or elsewhere.
"""
from __future__ import annotations

from threading import get_ident
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..ir import Graph, Node, Value
from .values import TracedValue
from .tape import STATE, Tape
from ..accel.lazy import forget_graph
from .key import FunctionSlot, leaf_entry, node_entry, node_items
from ..accel.gc_pause import _count_freed


class Collected:
    """The recorded forward graph reachable from `heads`, in a canonical order.

    `nodes` are in creation order (TracedValue.seq), which is topological and canonical:
    the same program records the same sequence, hence the same `key`. `values` lists
    every value (leaves where first used, then each node's outputs), `index` maps a
    value to its position there, and `key` identifies the graph's structure: operators,
    attributes, wiring, leaf types and grad_req, and which values are still pending.
    """

    __slots__ = ("values", "leaves", "nodes", "heads", "key", "index")

    def __init__(self, heads: Sequence[TracedValue]):
        order: Dict[Node, int] = {}
        stack = [h.node for h in heads if h.node is not None]
        pop, push = stack.pop, stack.append
        while stack:
            node = pop()
            if node in order:
                continue
            outs = node.outputs
            order[node] = outs[0].seq if outs else -1
            for v in node.inputs:
                n2 = v.node
                if n2 is not None and n2 not in order:
                    push(n2)
        nodes: List[Node] = sorted(order, key=order.__getitem__)
        index: Dict[TracedValue, int] = {}
        position = index.__getitem__
        values: List[TracedValue] = []
        leaves: List[TracedValue] = []
        entries: List[tuple] = []
        for node in nodes:
            ins = node.inputs
            for v in ins:
                if v not in index:  # not defined by an earlier node: a leaf
                    index[v] = len(values)
                    values.append(v)
                    leaves.append(v)
                    entries.append(leaf_entry(v))
            entries.append(node_entry(node, node_items(node), tuple(map(position, ins))))
            for v in node.outputs:
                index[v] = len(values)
                values.append(v)
        for h in heads:
            if h not in index:
                index[h] = len(values)
                values.append(h)
                leaves.append(h)
                entries.append(leaf_entry(h))
        key = (tuple(entries), tuple(map(position, heads)))
        self.values = values
        self.leaves = leaves
        self.nodes = nodes
        self.heads = list(heads)
        self.key = key
        self.index = index

    def index_of(self) -> Dict[TracedValue, int]:
        """Position of each collected value in `values` (do not modify)."""
        return self.index

    def leaf_positions(self) -> List[int]:
        """Position in `values` of each leaf, in the order of `leaves`."""
        index = self.index
        return [index[v] for v in self.leaves]

    def graph(self, name: str = "forward") -> Graph:
        return Graph(name, self.leaves, self.nodes, self.heads)

    def detached(self) -> Tuple[Graph, List[Value]]:
        """The forward graph over fresh `Value`s that hold no data, and those values in
        the order of `self.values`. Cached graphs are built from this copy, so the plan
        cache never keeps the arrays of the iteration that compiled it alive."""
        clone = {v: Value(v.type, v.hint) for v in self.values}
        functions = 0
        nodes = []
        for n in self.nodes:
            attrs = n.attrs
            if n.op == "_CustomFunction":  # see function.FunctionSlot
                attrs = dict(attrs, function=FunctionSlot(functions, attrs["function"]))
                functions += 1
            nodes.append(Node(n.op, [clone[v] for v in n.inputs],
                              [clone[v] for v in n.outputs], attrs, n.region, n.meta))
        graph = Graph("forward", [clone[v] for v in self.leaves], nodes,
                      [clone[h] for h in self.heads])
        return graph, [clone[v] for v in self.values]

    def functions(self) -> List[Any]:
        """The autograd.Function instances called in the graph, in order: what the
        `FunctionSlot`s of its compiled graphs stand for."""
        return [n.attrs["function"] for n in self.nodes if n.op == "_CustomFunction"]

    def free(self) -> None:
        """Forget how the values were computed (backward without retain_graph). A pending
        value keeps its recipe (see tapegraph.accel.lazy.forget_graph) so it can still run."""
        nbytes = 0
        tapes = set()
        for n in self.nodes:
            for v in n.outputs:
                if v.data is None:
                    forget_graph(v)
                else:
                    v.node = None
                    nbytes += v.type.nbytes
                tapes.add(v.tape)
        for tape in tapes:
            if tape is not None:
                _retire(tape)
        _count_freed(len(self.nodes), nbytes)


def collect(heads: Sequence[TracedValue]) -> Collected:
    """The graph behind `heads`: read off this thread's tape when the tape is exactly that
    graph (the common `loss.backward()`: no walk, the key was built while recording),
    otherwise found by walking back from the heads. Both give the same key."""
    tape = heads[0].tape
    if tape is not None and tape.clean:
        col = TapeCollected.from_tape(tape, heads)
        if col is not None:
            return col
    return Collected(heads)


class TapeCollected(Collected):
    """A `Collected` read off a Tape (see `collect`); `index` is computed on demand."""

    __slots__ = ("tape", "_positions", "_leaf_positions")

    @classmethod
    def from_tape(cls, tape: Tape, heads: Sequence[TracedValue]) -> "Optional[TapeCollected]":
        """The tape's graph if `heads` are exactly its unconsumed outputs, else None (also
        for a backward on another thread than the one recording: it may be appending)."""
        if tape.owner != get_ident():
            return None
        open_ends = tape.open
        if len(heads) == 1:  # (the common case, without building a set)
            h = heads[0]
            if h.tape is not tape or len(open_ends) != 1 or h.pos not in open_ends:
                return None
            positions = (h.pos,)
        else:
            positions = []
            for h in heads:
                if h.tape is not tape:
                    return None
                positions.append(h.pos)
            if open_ends != set(positions):
                return None
            positions = tuple(positions)
        entries = tape.entries[:]
        for slot, v in tape.variable_slots:  # the grad_req of now (see Tape)
            entries[slot] = leaf_entry(v)
        key = (tuple(entries), positions)
        col = cls.__new__(cls)
        col.values = tape.values[:]
        col.leaves = list(tape.leaves)  # (in first-use order, as the walk finds them)
        col.nodes = tape.nodes[:]
        col.heads = list(heads)
        col.key = key
        col.index = None
        col.tape = tape
        col._positions = None
        col._leaf_positions = list(tape.leaves.values())
        return col

    def leaf_positions(self) -> List[int]:
        return self._leaf_positions

    def index_of(self) -> "Dict[TracedValue, int] | _Positions":
        if self._positions is None:
            self._positions = _Positions(self)
        return self._positions

    def free(self) -> None:
        """As `Collected.free`; the tape then retires (its nodes no longer compute)."""
        nbytes = 0
        for n in self.nodes:
            for v in n.outputs:
                v.node = None  # (taped values are never pending)
                nbytes += v.type.nbytes
        _retire(self.tape)
        _count_freed(len(self.nodes), nbytes)


class _Positions:
    """`value -> position` in a TapeCollected's values, from the positions the tape gave
    them (it holds the tape and values, not the TapeCollected: no reference cycle)."""

    __slots__ = ("tape", "values", "table")

    def __init__(self, col: TapeCollected):
        self.tape = col.tape
        self.values = col.values
        self.table: Optional[Dict[TracedValue, int]] = None

    def get(self, v: Any) -> Optional[int]:
        values = self.values
        if getattr(v, "tape", None) is self.tape:
            p = v.pos
        else:
            p = self.tape.leaves.get(v)
            if p is None and not self.tape.clean:  # retired since: look it up
                if self.table is None:
                    self.table = {u: i for i, u in enumerate(values)}
                return self.table.get(v)
        if p is not None and p < len(values) and values[p] is v:
            return p
        return None

    def __contains__(self, v: Any) -> bool:
        return self.get(v) is not None

    def __getitem__(self, v: Any) -> int:
        p = self.get(v)
        if p is None:
            raise KeyError(v)
        return p


def _retire(tape: Tape) -> None:
    """A backward freed nodes of `tape`: it no longer describes a graph."""
    if tape.clean:
        tape.retire()
    ref = STATE.tape
    if ref is not None and ref() is tape:
        STATE.tape = None
